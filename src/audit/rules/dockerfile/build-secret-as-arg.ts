import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { classifyAssignment } from '../../secrets/index.js';
import { at, type DfProperty, type DockerfileFacts } from '../../dockerfile/facts.js';

/**
 * Whether the shared detector treats a variable name as sensitive: it is asked to classify a
 * probe value that passes every value check (long, high entropy, not a known token format),
 * so only the name decides. Keeps one definition of "secret-looking name" in src/audit/secrets.
 */
const PROBE = 'q7Lm2Xv9Rk4Tz8Wb3Np6';
export function isSecretName(name: string): boolean {
  return classifyAssignment(name, PROBE) !== undefined;
}

/**
 * Defaults that say the ARG is a setting about a secret, not the secret: a number
 * (TOKEN_TTL_SECONDS=3600), a duration (KEY_ROTATION=1h30m), a boolean (USE_SECRETS=false),
 * a path (SECRET_DIR=/run/secrets), a URL without credentials (TOKEN_URL=https://auth/x).
 */
const SETTING_VALUES: readonly RegExp[] = [
  /^[+-]?\d+(\.\d+)?$/,
  /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/i,
  /^(true|false|yes|no|on|off|enabled?|disabled?)$/i,
  /^(\/|\.\.?\/|~\/)[^\s:@]*$/,
  // no user info and no query string (`?access_token=` is a credential in a URL)
  /^[a-z][a-z0-9+.-]*:\/\/[^\s/@?#]+(\/[^\s?#@]*)?$/i,
];

export function isSettingValue(value: string): boolean {
  const v = value.trim().replace(/^(["'])(.*)\1$/, '$2');
  return SETTING_VALUES.some((re) => re.test(v));
}

export const buildSecretAsArg: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF016',
    slug: 'build-secret-as-arg',
    target: 'dockerfile',
    severity: 'high',
    title: 'Build secret passed as ARG instead of a secret mount',
    rationale:
      'Values given with `--build-arg` are recorded in the image history (`docker history --no-trunc`) and in build caches, even when the ARG has no default. A token passed that way is published with the image. BuildKit secret mounts exist precisely so the secret is never written to a layer or the history. An ARG whose name mentions a token, key or secret but whose default is a number, a duration, a boolean, a path or a URL without credentials (`ARG TOKEN_TTL_SECONDS=3600`) is a setting, not a secret, and is not reported.',
    fix: 'Replace `ARG NPM_TOKEN` with a secret mount: `RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci`, built with `docker build --secret id=npm_token,env=NPM_TOKEN`.',
    cis: ['4.10'],
    references: ['https://docs.docker.com/build/building/secrets/'],
    example: {
      bad: 'ARG NPM_TOKEN\nRUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc && npm ci',
      good: 'RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci',
    },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const seen = new Set<string>();
    const visit = (p: DfProperty, location: FindingDraft['location'], stage: string): void => {
      if (!isSecretName(p.name) || seen.has(`${stage}|${p.name}`)) return;
      // no default, or one that is the secret itself: the value comes with --build-arg
      if (p.value !== null && isSettingValue(p.value)) return;
      seen.add(`${stage}|${p.name}`);
      out.push({ message: `ARG ${p.name} looks like a build secret; its value is recorded in the image history`, location, key: `${stage}|${p.name}` });
    };
    for (const p of facts.globalArgs) visit(p, { line: p.line }, 'global');
    for (const instr of facts.instructions) {
      if (instr.keyword !== 'ARG' || !instr.stage) continue;
      for (const p of instr.properties) visit(p, at(instr, p.line), instr.stage.label);
    }
    return out;
  },
};
