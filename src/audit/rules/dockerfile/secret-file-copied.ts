import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, flag, type DockerfileFacts } from '../../dockerfile/facts.js';
import { sourcesOf } from './add-url-without-checksum.js';

/** File names (last path segment, or a tail like .docker/config.json) that hold credentials. */
const SECRET_SOURCE = [
  /(^|\/)id_(rsa|dsa|ecdsa|ed25519)$/i,
  /\.(pem|key|p12|pfx|jks|keystore)$/i,
  /(^|\/)\.env(\.[\w-]+)?$/i,
  /(^|\/)\.(npmrc|pypirc|netrc|git-credentials|pgpass)$/i,
  /(^|\/)credentials(\.json)?$/i,
  /(^|\/)kubeconfig$|(^|\/)\.kube\/config$/i,
  /(^|\/)\.docker\/config\.json$/i,
  /(^|\/)\.aws\/(credentials|config)$/i,
  /(^|\/)\.ssh(\/|$)/i,
];
/** Public halves and templates are not secrets. */
const NOT_SECRET = /\.pub$|(^|\/)\.env\.(example|sample|template|dist)$|(^|\/)(ca|ca-certificates|cacert|fullchain|chain|cert)\.pem$|\.crt$/i;

export const secretFileCopied: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF015',
    slug: 'secret-file-copied',
    target: 'dockerfile',
    severity: 'high',
    title: 'COPY/ADD of a secret-looking file',
    rationale:
      'Private keys, .env files, .npmrc/.pypirc with tokens, cloud credentials and kubeconfigs copied into an image stay in its layer even if a later RUN deletes them. Anyone who can pull the image can extract them.',
    fix: 'Do not copy credentials into images. Use `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci` at build time and mount secrets at run time; add the files to .dockerignore.',
    cis: ['4.10'],
    example: { bad: 'COPY .npmrc /root/.npmrc\nRUN npm ci', good: 'RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const instr of facts.instructions) {
      if (instr.keyword !== 'COPY' && instr.keyword !== 'ADD') continue;
      // COPY --from=stage copies between stages; the secret question belongs to the stage that made it
      if (flag(instr, 'from')) continue;
      for (const src of sourcesOf(instr)) {
        const clean = src.replace(/^\.\//, '').replace(/\/+$/, '');
        if (NOT_SECRET.test(clean) || !SECRET_SOURCE.some((re) => re.test(clean))) continue;
        out.push({ message: `${instr.keyword} ${src} puts a secret-looking file into the image`, location: at(instr), key: `${instr.stage?.label}|${clean}` });
      }
    }
    return out;
  },
};
