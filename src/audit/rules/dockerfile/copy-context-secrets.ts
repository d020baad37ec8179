import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, flag, type DockerfileFacts } from '../../dockerfile/facts.js';
import { sourcesOf } from './add-url-without-checksum.js';

const WHOLE_CONTEXT = /^(\.|\.\/|\*|\.\/\*)$/;

export const copyContextSecrets: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF031',
    slug: 'copy-context-secrets',
    target: 'dockerfile',
    severity: 'high',
    title: 'COPY . without a .dockerignore that excludes secrets',
    rationale:
      '`COPY . .` sends the whole build context into the image: .env files, .git (with history and remotes), SSH and TLS keys, .npmrc tokens, cloud credentials. Without a .dockerignore that excludes them they ship in a layer to everyone who can pull the image.',
    fix: 'Add a .dockerignore (next to the Dockerfile, or <Dockerfile>.dockerignore) that excludes at least `.git`, `.env*`, `*.pem`, `*.key`, `id_*`, `.npmrc`, `.pypirc`, `.aws`, `.docker`, `**/credentials`; or COPY only the paths the image needs.',
    cis: ['4.10'],
    example: { bad: 'COPY . .\n# and no .dockerignore', good: 'COPY package.json package-lock.json ./\nCOPY src/ ./src/' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const ctx = facts.context;
    if (!ctx) return out;
    for (const instr of facts.instructions) {
      if ((instr.keyword !== 'COPY' && instr.keyword !== 'ADD') || flag(instr, 'from')) continue;
      if (!sourcesOf(instr).some((s) => WHOLE_CONTEXT.test(s))) continue;
      if (ctx.secretFilesPresent.length > 0) {
        out.push({ message: `${instr.keyword} ${sourcesOf(instr).join(' ')} copies ${ctx.secretFilesPresent.join(', ')} from the build context into the image`, location: at(instr), severity: 'critical', key: `${instr.stage?.label}|present` });
      } else if (ctx.secretPathsNotIgnored.length > 0) {
        const why = ctx.dockerignore ? `${ctx.dockerignore} does not exclude ${ctx.secretPathsNotIgnored.slice(0, 4).join(', ')}${ctx.secretPathsNotIgnored.length > 4 ? ', ...' : ''}` : 'there is no .dockerignore';
        out.push({ message: `${instr.keyword} ${sourcesOf(instr).join(' ')} copies the whole build context and ${why}`, location: at(instr), key: `${instr.stage?.label}|context` });
      }
    }
    return out;
  },
};
