import type { Reporter, TestModule } from 'vitest/node';
import type { SerializedError } from 'vitest';

/**
 * Prints one plain closing line, "Tests: N passed, N failed, N skipped", after vitest's own
 * summary, so any CI log reader can count the run without knowing vitest's format.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      // a file that failed to load counts as a failure even with no tests collected
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed += 1;
    }
    // vitest fails the run on an unhandled error even when every test passed; so does this line
    failed += unhandledErrors.length;
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
