import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, flag, type DfInstruction, type DockerfileFacts } from '../../dockerfile/facts.js';

export const REMOTE_SOURCE = /^(https?|git|ssh):\/\/|^git@[^:]+:/i;

/** ADD/COPY sources: every word but the destination (exec form or shell form, flags excluded). */
export function sourcesOf(instr: DfInstruction): string[] {
  const words = instr.json ?? instr.words.filter((w) => !w.startsWith('--'));
  return instr.heredocs.length ? [] : words.slice(0, -1);
}

export const addUrlWithoutChecksum: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF008',
    slug: 'add-url-without-checksum',
    target: 'dockerfile',
    severity: 'medium',
    title: 'ADD downloads a URL without --checksum',
    rationale:
      'ADD <url> fetches whatever the server returns at build time, over a channel the build does not verify: a compromised or changed download goes straight into the image.',
    fix: 'Add `--checksum=sha256:<digest>` to the ADD (BuildKit), or download with curl and verify with `sha256sum -c` in the same RUN.',
    cis: ['4.9'],
    references: ['https://docs.docker.com/reference/dockerfile/#add---checksum'],
    example: {
      bad: 'ADD https://example.com/tool.tar.gz /opt/',
      good: 'ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /opt/',
    },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const instr of facts.instructions) {
      if (instr.keyword !== 'ADD' || flag(instr, 'checksum')) continue;
      for (const src of sourcesOf(instr).filter((s) => REMOTE_SOURCE.test(s))) {
        out.push({ message: `ADD downloads ${src.replace(/\/\/[^/@]*@/, '//***@')} without --checksum`, location: at(instr), key: `${instr.stage?.label}|${src}` });
      }
    }
    return out;
  },
};
