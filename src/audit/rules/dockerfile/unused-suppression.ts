import type { Rule } from '../rule.js';
import type { DockerfileFacts } from '../../dockerfile/facts.js';

/**
 * Runs after the other rules: the runner records on each suppression which ids it used, then
 * calls this rule over the same facts (see src/audit/dockerfile/audit.ts).
 */
export const unusedSuppression: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF033',
    slug: 'unused-suppression',
    target: 'dockerfile',
    severity: 'info',
    title: 'Inline ignore that suppressed nothing',
    rationale: 'An ignore comment whose finding is gone (fixed, or the instruction moved) silently stays behind and would hide a future regression on that line. Reporting it keeps suppressions honest.',
    fix: 'Remove the comment, or move it to the line before the instruction it was meant for.',
    example: { bad: '# bulkhead ignore=DF002 legacy installer\nRUN make install', good: 'RUN make install' },
  },
  check(facts) {
    return facts.suppressions
      .filter((s) => s.reason !== '' && s.ids.length > 0)
      .flatMap((s) => {
        const unused = s.ids.filter((id) => !s.used.includes(id));
        if (unused.length === 0) return [];
        const why = s.appliesTo === undefined ? 'no instruction follows it' : `no ${unused.join(', ')} finding on the instruction at line ${s.appliesTo}`;
        return [{ message: `bulkhead ignore=${unused.join(',')} suppressed nothing (${why})`, location: { line: s.line }, key: `${unused.join(',')}|${s.reason}` }];
      });
  },
};
