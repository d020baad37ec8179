/**
 * The CLI bundle's entry (scripts/bundle.mjs builds it into dist/cli/main.js, which
 * bin/bulkhead.js imports). `--version` is answered before the full CLI is evaluated, since
 * that evaluates every command module; everything else goes to src/cli/main.ts unchanged.
 */
import type { CliIo } from '../src/cli/main.js';
import { toolVersion } from '../src/version.js';

export async function main(argv: string[], io: CliIo): Promise<number> {
  // exactly what commander prints for `bulkhead --version` / `-V`
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(`${toolVersion()}\n`);
    return 0;
  }
  const cli = await import('../src/cli/main.js');
  return cli.main(argv, io);
}
