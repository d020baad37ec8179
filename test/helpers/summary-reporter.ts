import type { Reporter, TestModule, TestSuite } from 'vitest/node';
import type { SerializedError } from 'vitest';

export interface RunCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Adds up one file (or suite): every test by its state, plus one failure for a file or suite
 * that failed without any of its tests failing (it did not load, or a beforeAll/afterAll hook
 * threw: its tests show as skipped or passed, yet vitest fails the run). Returns whether
 * anything in it failed, so a parent does not count the same failure again.
 */
function countInto(entity: TestModule | TestSuite, counts: RunCounts): boolean {
  let failedInside = false;
  for (const test of entity.children.tests()) {
    const state = test.result().state;
    if (state === 'passed') counts.passed += 1;
    else if (state === 'failed') {
      counts.failed += 1;
      failedInside = true;
    } else counts.skipped += 1;
  }
  for (const suite of entity.children.suites()) if (countInto(suite, counts)) failedInside = true;
  if (!failedInside && entity.state() === 'failed') {
    counts.failed += 1;
    return true;
  }
  return failedInside;
}

export function countRun(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): RunCounts {
  const counts: RunCounts = { passed: 0, failed: 0, skipped: 0 };
  for (const mod of testModules) countInto(mod, counts);
  // vitest fails the run on an unhandled error even when every test passed; so does this line
  counts.failed += unhandledErrors.length;
  return counts;
}

/**
 * Prints one plain closing line, "Tests: N passed, N failed, N skipped", after vitest's own
 * summary, so any CI log reader can count the run without knowing vitest's format. It is
 * never "0 failed" when vitest fails the run.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const { passed, failed, skipped } = countRun(testModules, unhandledErrors);
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
