import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, flag, type DockerfileFacts } from '../../dockerfile/facts.js';
import { WHOLE_CONTEXT } from '../../dockerfile/secret-files.js';
import { sourcesOf } from './add-url-without-checksum.js';

export const copyContextSecrets: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF031',
    slug: 'copy-context-secrets',
    target: 'dockerfile',
    severity: 'high',
    title: 'COPY . without a .dockerignore that excludes secrets',
    rationale:
      '`COPY . .` sends the whole build context into the image: .env files, .git (with history and remotes), SSH and TLS keys, .npmrc tokens, cloud credentials. Without a .dockerignore that excludes them they ship in a layer to everyone who can pull the image. bulkhead reads the context on disk (`--context DIR`, default the Dockerfile\'s directory): high when a file that holds a credential (by its content, not only its name) would be copied past the .dockerignore; low, as advice, when the context holds none today; medium when the context cannot be read (a Dockerfile from stdin without --context).',
    fix: 'Add a .dockerignore (in the context, or <Dockerfile>.dockerignore next to the Dockerfile) that excludes at least `.git`, `.env*`, `*.pem`, `*.key`, `id_*`, `.npmrc`, `.pypirc`, `.aws`, `.docker`, `**/credentials`; or COPY only the paths the image needs.',
    cis: ['4.10'],
    example: { bad: 'COPY . .\n# and no .dockerignore', good: 'COPY package.json package-lock.json ./\nCOPY src/ ./src/' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const ctx = facts.context;
    for (const instr of facts.instructions) {
      if ((instr.keyword !== 'COPY' && instr.keyword !== 'ADD') || flag(instr, 'from')) continue;
      const sources = sourcesOf(instr);
      if (!sources.some((s) => WHOLE_CONTEXT.test(s))) continue;
      const what = `${instr.keyword} ${sources.join(' ')}`;
      if (!ctx || ctx.unreadable) {
        out.push({ message: `${what} copies the whole build context, which bulkhead could not inspect (${ctx?.unreadable ?? 'no build context'}): make sure a .dockerignore excludes secrets, or pass --context DIR`, location: at(instr), severity: 'medium', key: `${instr.stage?.label}|unknown` });
        continue;
      }
      const secrets = ctx.secretFilesPresent.filter((f) => f.verdict === 'secret');
      if (secrets.length > 0) {
        const list = secrets.slice(0, 4).map((f) => `${f.path} (${f.what})`).join(', ');
        out.push({ message: `${what} copies ${list}${secrets.length > 4 ? ', ...' : ''} from the build context ${ctx.dir} into the image`, location: at(instr), ...(secrets[0]!.evidence ? { evidence: secrets[0]!.evidence } : {}), key: `${instr.stage?.label}|present` });
      } else if (ctx.secretFilesPresent.some((f) => f.verdict === 'unknown')) {
        const unknown = ctx.secretFilesPresent.filter((f) => f.verdict === 'unknown').slice(0, 4);
        out.push({ message: `${what} copies ${unknown.map((f) => `${f.path} (${f.what})`).join(', ')} from the build context ${ctx.dir}; its content could not be judged`, location: at(instr), severity: 'medium', key: `${instr.stage?.label}|unknown-content` });
      } else if (ctx.secretPathsNotIgnored.length > 0) {
        const why = ctx.dockerignore ? `${ctx.dockerignore} does not exclude ${ctx.secretPathsNotIgnored.slice(0, 4).join(', ')}${ctx.secretPathsNotIgnored.length > 4 ? ', ...' : ''}` : 'there is no .dockerignore';
        const named = ctx.secretFilesPresent.slice(0, 3).map((f) => `${f.path}: ${f.what}`);
        out.push({ message: `${what} copies the whole build context and ${why}; no file in ${ctx.dir} holds a secret today${ctx.truncated ? ' (of the first entries looked at; the context is very large)' : ''}${named.length ? ` (${named.join('; ')})` : ''}, but any added later ships`, location: at(instr), severity: 'low', key: `${instr.stage?.label}|context` });
      }
    }
    return out;
  },
};
