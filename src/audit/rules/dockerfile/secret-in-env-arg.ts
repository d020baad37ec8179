import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { classifyAssignment } from '../../secrets/index.js';
import { at, type DfInstruction, type DfProperty, type DockerfileFacts } from '../../dockerfile/facts.js';

export const secretInEnvArg: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF014',
    slug: 'secret-in-env-arg',
    target: 'dockerfile',
    severity: 'critical',
    title: 'Secret value in ENV or ARG',
    rationale:
      'ENV values are baked into the image config and visible to anyone who can pull it (`docker inspect`); ARG values are recorded in the image history. A token, key or password written into either is published with the image.',
    fix: 'Remove the value and rotate the secret. Pass secrets at build time with `RUN --mount=type=secret,id=...` and at run time through the orchestrator\'s secrets or a `*_FILE` variable pointing at /run/secrets/<name>.',
    cis: ['4.10'],
    references: ['https://docs.docker.com/build/building/secrets/'],
    example: { bad: 'ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8h3kLmNp', good: 'ENV AWS_SECRET_ACCESS_KEY_FILE=/run/secrets/aws_secret_access_key' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const visit = (instr: DfInstruction | undefined, keyword: string, p: DfProperty, stageLabel: string): void => {
      if (p.value === null) return;
      // the shared detector decides: known token formats, sensitive names with real-looking values,
      // never *_FILE names, /run/secrets paths, ${VAR} references or placeholders like "changeme"
      const m = classifyAssignment(p.name, p.value);
      if (!m) return;
      const location = instr ? at(instr, p.line) : { line: p.line };
      out.push({ message: `${keyword} ${p.name} holds a secret (${m.title})`, location, evidence: m.redacted, severity: m.severity === 'critical' || m.severity === 'high' ? 'critical' : 'high', key: `${stageLabel}|${keyword}|${p.name}|${m.redacted}` });
    };
    for (const p of facts.globalArgs) visit(undefined, 'ARG', p, 'global');
    for (const instr of facts.instructions) {
      if (!instr.stage || (instr.keyword !== 'ENV' && instr.keyword !== 'ARG')) continue;
      for (const p of instr.properties) visit(instr, instr.keyword, p, instr.stage.label);
    }
    return out;
  },
};
