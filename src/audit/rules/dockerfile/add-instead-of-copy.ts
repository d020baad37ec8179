import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';
import { REMOTE_SOURCE, sourcesOf } from './add-url-without-checksum.js';

const ARCHIVE = /\.(tar|tar\.(gz|bz2|xz|zst)|tgz|tbz2?|txz|tzst)$/i;

export const addInsteadOfCopy: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF009',
    slug: 'add-instead-of-copy',
    target: 'dockerfile',
    severity: 'low',
    title: 'ADD used where COPY does',
    rationale:
      'ADD has hidden behaviour: it extracts local archives and fetches URLs. For plain files and directories COPY does the same with no surprises, so a later change of the source (a file that becomes a tarball) cannot change what lands in the image.',
    fix: 'Use COPY for local files and directories; keep ADD only to extract a local archive (or use `ADD --checksum` for a verified download).',
    cis: ['4.9'],
    references: ['https://github.com/hadolint/hadolint/wiki/DL3020'],
    example: { bad: 'ADD app/ /srv/app/', good: 'COPY app/ /srv/app/' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const instr of facts.instructions) {
      if (instr.keyword !== 'ADD') continue;
      const sources = sourcesOf(instr);
      if (sources.length === 0 || sources.some((s) => REMOTE_SOURCE.test(s) || ARCHIVE.test(s) || s.includes('$'))) continue;
      out.push({ message: `ADD ${sources.join(' ')}: COPY does the same without archive/URL magic`, location: at(instr), key: `${instr.stage?.label}|${sources.join(' ')}` });
    }
    return out;
  },
};
