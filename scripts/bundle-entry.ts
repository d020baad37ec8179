/**
 * The CLI bundle's entry (scripts/bundle.mjs builds it into dist/cli/main.cjs, which
 * bin/bulkhead.js requires). `--version` is answered here without loading the CLI; `run` goes to
 * dist/cli/bundle-run.cjs (src/cli/main.ts with the run command only) and everything else to
 * dist/cli/bundle-full.js (all commands). Why two: V8 compiles the whole of every module it loads,
 * and the auditors are most of the full bundle, which `run` never uses.
 *
 * The run bundle is compiled through vm.Script with the V8 code cache the build wrote next to it
 * (Node 20 has no module compile cache): startup is most of what `bulkhead run` adds to
 * `docker run` (bench/run-overhead.mjs, docs/run.md).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import type { CliIo, main as cliMain } from '../src/cli/main.js';
import { policyArgument, sendEarlyInfo } from '../src/engine/early-info.js';
import { toolVersion } from '../src/version.js';

type Cli = { main: typeof cliMain };

/** sha256 prefix of dist/cli/bundle-run.cjs, set by scripts/bundle.mjs: the code cache's key. */
declare const __BULKHEAD_RUN_BUNDLE_ID__: string;
/** the built-in policies whose sandbox is not off, set by scripts/bundle.mjs from policies/ */
declare const __BULKHEAD_SANDBOXED_BUILTINS__: readonly string[];

const runBundleFile = join(__dirname, 'bundle-run.cjs');
const codeCacheFile = join(__dirname, `bundle-run.${__BULKHEAD_RUN_BUNDLE_ID__}.v8cache`);

/** node's CommonJS wrapper, plus the import function for the gate bundle. */
const wrapRunBundle = (source: string) => `(function (exports, require, module, __filename, __dirname, __bulkheadImport) {${source}\n})`;

/** Compiles and evaluates the run bundle as node would a CommonJS module, with the code cache when V8 accepts it. */
function loadRunBundle(options: { useCache: boolean }): { cli: Cli; script: Script } {
  const source = readFileSync(runBundleFile, 'utf8');
  let cachedData: Buffer | undefined;
  if (options.useCache) {
    try {
      cachedData = readFileSync(codeCacheFile);
    } catch {
      // no cache (a build that could not write one): compile from source
    }
  }
  const script = new Script(wrapRunBundle(source), {
    filename: runBundleFile,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as Cli };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  // the bundle's one dynamic import, the image gate (an ES module), resolved next to it
  const importSibling = (specifier: string) => import(pathToFileURL(join(__dirname, specifier)).href);
  wrapper(module.exports, require, module, runBundleFile, __dirname, importSibling);
  return { cli: module.exports, script };
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  // exactly what commander prints for `bulkhead --version` / `-V`
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(`${toolVersion()}\n`);
    return 0;
  }
  if (argv[0] === 'run') {
    // such a run reads the engine's runtimes: ask now, while the run bundle loads
    const policy = policyArgument(argv);
    if (policy !== undefined && __BULKHEAD_SANDBOXED_BUILTINS__.includes(policy) && !argv.includes('--dry-run')) await sendEarlyInfo(io.env);
    return loadRunBundle({ useCache: true }).cli.main(argv, io);
  }
  // a computed specifier: esbuild leaves the import to node, which finds the sibling bundle
  const full = './bundle-full.js';
  const cli = (await import(full)) as Cli;
  return cli.main(argv, io);
}

/** Whether V8 takes the code cache, for test/runtime/bundle.test.ts (in a plain `node` child: flags change V8's verdict). */
export function codeCacheStatus(): 'accepted' | 'rejected' | 'missing' {
  let cachedData: Buffer;
  try {
    cachedData = readFileSync(codeCacheFile);
  } catch {
    return 'missing';
  }
  const source = readFileSync(runBundleFile, 'utf8');
  const script = new Script(wrapRunBundle(source), { filename: runBundleFile, cachedData });
  return script.cachedDataRejected === true ? 'rejected' : 'accepted';
}

/**
 * Called by scripts/bundle.mjs in a child process: dry runs of the strictest built-in policy
 * compile what every run needs (CLI, policy, profiles, create options), a run against a missing
 * engine the engine client's loading, then V8 serialises it.
 */
export async function writeRunCodeCache(): Promise<void> {
  const { cli, script } = loadRunBundle({ useCache: false });
  const sink = { write: () => true } as unknown as NodeJS.WritableStream;
  const io = { stdout: sink, stderr: sink, stdin: process.stdin, env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/bulkhead-code-cache.sock' } } as CliIo;
  for (const format of ['table', 'json']) {
    const code = await cli.main(['run', '--dry-run', '--format', format, '--rm', '--policy', 'untrusted', 'bulkhead-code-cache/warm-up:1', '--', 'true'], io);
    if (code !== 0) throw new Error(`the warm-up dry run exited ${code}`);
  }
  // and a run against an engine that is not there: loads the engine client (dockerode) and fails
  // at the first request, without an engine at build time
  const code = await cli.main(['run', '--rm', '--policy', 'untrusted', 'bulkhead-code-cache/warm-up:1', '--', 'true'], io);
  if (code !== 120) throw new Error(`the warm-up run against no engine exited ${code}, not 120`);
  const tmp = `${codeCacheFile}.${process.pid}.tmp`;
  writeFileSync(tmp, script.createCachedData());
  renameSync(tmp, codeCacheFile);
}
