import { buildReport, fingerprint } from '../../../src/audit/report/build.js';
import type { Report, RuleMeta, TargetResult } from '../../../src/audit/model.js';

export const SAMPLE_RULES: RuleMeta[] = [
  {
    id: 'DF001',
    slug: 'final-user-root',
    target: 'dockerfile',
    severity: 'high',
    title: 'Final stage runs as root',
    rationale: 'A process running as root | in the container is root on the host kernel.',
    fix: 'Add `USER 10001` near the end.',
    cis: ['4.1'],
    references: ['https://docs.docker.com/reference/dockerfile/#user'],
  },
  { id: 'IMG004', slug: 'secret-in-layer', target: 'image', severity: 'critical', title: 'Secret in a layer', rationale: 'r', fix: 'f' },
  { id: 'DF040', slug: 'missing-healthcheck', target: 'dockerfile', severity: 'info', title: 'No HEALTHCHECK', rationale: 'r', fix: 'f' },
];

/** A report with a Dockerfile target (findings, an error) and an image target, to exercise every formatter. */
export function sampleReport(): Report {
  const targets: TargetResult[] = [
    {
      kind: 'dockerfile',
      name: 'services/api/Dockerfile',
      findings: [
        { ruleId: 'DF001', severity: 'high', message: 'final stage has no USER, so it runs as root', location: { path: 'services/api/Dockerfile', line: 12 }, fingerprint: fingerprint('DF001', 'x') },
        {
          ruleId: 'DF040',
          severity: 'info',
          message: 'no HEALTHCHECK: 100%, with commas, colons: and\nnewlines',
          location: { path: 'services/api/Dockerfile', line: 1, stage: 'build' },
          fingerprint: fingerprint('DF040', 'x'),
          baseline: 'new',
        },
      ],
      errors: [{ message: 'line 3: unknown instruction FRM', location: { path: 'services/api/Dockerfile', line: 3 } }],
    },
    {
      kind: 'image',
      name: 'example/app:1.0',
      findings: [
        {
          ruleId: 'IMG004',
          severity: 'critical',
          message: 'private key in /root/.ssh/id_rsa',
          location: { path: '/root/.ssh/id_rsa', layer: { index: 2, digest: 'sha256:abc', createdBy: 'COPY . .' } },
          evidence: '-----…[redacted 1675 chars, sha256:0123abcd]',
          fingerprint: fingerprint('IMG004', 'y'),
        },
      ],
      errors: [],
      properties: { imageId: 'sha256:def', layers: 3 },
    },
  ];
  return buildReport('audit dockerfile', targets, SAMPLE_RULES, new Date('2026-11-23T19:00:00Z'));
}
