import type { Rule } from '../rule.js';
import type { DockerfileFacts } from '../../dockerfile/facts.js';

export const suppressionWithoutReason: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF032',
    slug: 'suppression-without-reason',
    target: 'dockerfile',
    severity: 'low',
    title: 'Inline ignore without a reason (not applied)',
    rationale: 'An accepted risk needs its reason next to it so reviewers can judge it later. A `# bulkhead ignore=` comment without one is not applied: the findings it names are still reported.',
    fix: 'Write why after the ids: `# bulkhead ignore=DF002 base image only ships sudo for the CI user`.',
    example: { bad: '# bulkhead ignore=DF002\nRUN sudo make install', good: '# bulkhead ignore=DF002 vendor installer insists on sudo; removed below\nRUN sudo make install' },
  },
  check(facts) {
    return facts.suppressions
      .filter((s) => s.reason === '' || s.ids.length === 0)
      .map((s) => ({
        message: s.ids.length === 0 ? 'bulkhead ignore= names no rule id' : `bulkhead ignore=${s.ids.join(',')} has no reason, so it is not applied`,
        location: { line: s.line },
        key: `${s.ids.join(',')}|${s.line - (s.appliesTo ?? s.line)}`,
      }));
  },
};
