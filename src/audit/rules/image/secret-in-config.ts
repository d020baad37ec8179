import type { FindingDraft, Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';
import { classifyAssignment } from '../../secrets/index.js';
import { maxSeverity } from './_helpers.js';

export const secretInConfig: Rule<ImageFacts> = {
  meta: {
    id: 'IM005',
    slug: 'secret-in-config',
    target: 'image',
    severity: 'high',
    title: 'Secret in the image config (Env or Labels)',
    rationale:
      'Environment variables and labels are part of the image config: `docker inspect` shows them to anyone with the image, every container started from it inherits the variables, and they end up in logs, crash reports and child processes. A token set with ENV or LABEL is published with the image.',
    fix: 'Remove the ENV/LABEL and pass the secret at run time (a secret file under /run/secrets, or `--env-file` kept out of the image); reference it with a *_FILE variable. Rotate the published value.',
    example: { bad: 'ENV GITHUB_TOKEN=ghp_…', good: 'ENV GITHUB_TOKEN_FILE=/run/secrets/github_token' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const cfg = facts.config;
    if (!cfg) return out;
    for (const kv of cfg.env) {
      const eq = kv.indexOf('=');
      if (eq <= 0) continue;
      const name = kv.slice(0, eq);
      const m = classifyAssignment(name, kv.slice(eq + 1));
      if (m) out.push({ message: `Env ${name}: ${m.title}`, severity: maxSeverity(m.severity, 'high'), location: { path: `config.Env.${name}` }, evidence: m.redacted, key: `env|${name}` });
    }
    for (const [name, value] of Object.entries(cfg.labels)) {
      const m = classifyAssignment(name, value);
      if (m) out.push({ message: `Label ${name}: ${m.title}`, severity: maxSeverity(m.severity, 'high'), location: { path: `config.Labels.${name}` }, evidence: m.redacted, key: `label|${name}` });
    }
    return out;
  },
};
