import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, flag, type DockerfileFacts } from '../../dockerfile/facts.js';
import { contextPath, isSecretFileName, PUBLIC_FILE_NAME } from '../../dockerfile/secret-files.js';
import { sourcesOf } from './add-url-without-checksum.js';

export const secretFileCopied: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF015',
    slug: 'secret-file-copied',
    target: 'dockerfile',
    severity: 'high',
    title: 'COPY/ADD of a secret-looking file',
    rationale:
      'Private keys, .env files, .npmrc/.pypirc with tokens, cloud credentials and kubeconfigs copied into an image stay in its layer even if a later RUN deletes them. Anyone who can pull the image can extract them. The name only makes a file suspect: bulkhead reads it in the build context (`--context DIR`, default the Dockerfile\'s directory) and its content decides (a public key or certificate named `*.key` is not a secret). When the file is not in the context, the finding is medium and says the content is unknown. A COPY of a plain directory (`COPY config/ /app/config/`) is reported when it sends a secret-named file, not excluded by .dockerignore, whose content is a secret.',
    fix: 'Do not copy credentials into images. Use `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci` at build time and mount secrets at run time; add the files to .dockerignore.',
    cis: ['4.10'],
    example: { bad: 'COPY .npmrc /root/.npmrc\nRUN npm ci', good: 'RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const ctx = facts.context;
    for (const instr of facts.instructions) {
      if (instr.keyword !== 'COPY' && instr.keyword !== 'ADD') continue;
      // COPY --from=stage copies between stages; the secret question belongs to the stage that made it
      if (flag(instr, 'from')) continue;
      for (const src of sourcesOf(instr)) {
        const clean = src.replace(/^\.\//, '').replace(/\/+$/, '');
        const rel = contextPath(src);
        if (!isSecretFileName(clean) && !PUBLIC_FILE_NAME.test(clean)) {
          // a plain directory (COPY config/ ...) that sends a secret-named file whose content is a secret
          const inside = rel !== undefined && ctx && !ctx.unreadable ? ctx.sources[rel] : undefined;
          if (inside?.verdict === 'secret') {
            out.push({ message: `${instr.keyword} ${src} puts a secret into the image: ${rel}/${inside.what}`, location: at(instr), ...(inside.evidence ? { evidence: inside.evidence } : {}), key: `${instr.stage?.label}|${clean}` });
          }
          continue;
        }
        const file = rel !== undefined && ctx && !ctx.unreadable ? ctx.sources[rel] : undefined;
        const key = `${instr.stage?.label}|${clean}`;
        if (file?.verdict === 'secret') {
          out.push({ message: `${instr.keyword} ${src} puts a secret into the image: ${file.what}`, location: at(instr), ...(file.evidence ? { evidence: file.evidence } : {}), key });
          continue;
        }
        // read and found public or clean: the content decided
        if (file && file.verdict !== 'unknown') continue;
        // without the content, a public-looking name (.pub, .crt, .env.example) is taken at its word
        if (PUBLIC_FILE_NAME.test(clean) || !isSecretFileName(clean)) continue;
        const why = file
          ? `its content could not be judged (${file.what})`
          : !ctx || ctx.unreadable
            ? `content unknown: ${ctx?.unreadable ?? 'no build context'}`
            : rel === undefined
              ? 'content unknown: the source is a pattern or a variable'
              : `content unknown: not found in the build context ${ctx.dir} (pass --context DIR)`;
        out.push({ message: `${instr.keyword} ${src} copies a secret-looking file into the image; ${why}`, location: at(instr), severity: 'medium', key });
      }
    }
    return out;
  },
};
