/**
 * The CLI bundle's entry (scripts/bundle.mjs builds it into dist/cli/main.js, which
 * bin/bulkhead.js imports). `--version` is answered here without loading the CLI; `run` goes to
 * dist/cli/bundle-run.js (src/cli/main.ts with the run command only) and everything else to
 * dist/cli/bundle-full.js (all commands). Why two: V8 compiles the whole of every module it loads,
 * and the auditors are most of the full bundle, which `run` never uses.
 */
import type { CliIo, main as cliMain } from '../src/cli/main.js';
import { toolVersion } from '../src/version.js';

export async function main(argv: string[], io: CliIo): Promise<number> {
  // exactly what commander prints for `bulkhead --version` / `-V`
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(`${toolVersion()}\n`);
    return 0;
  }
  // a computed specifier: esbuild leaves the import to node, which finds the sibling bundle
  const bundle = argv[0] === 'run' ? './bundle-run.js' : './bundle-full.js';
  const cli = (await import(bundle)) as { main: typeof cliMain };
  return cli.main(argv, io);
}
