// Bundles the CLI into dist/cli/ (bin/bulkhead.js imports dist/cli/main.js), after `tsc` has
// built dist/. Why: node resolves and evaluates hundreds of small files otherwise, and dockerode
// pulls in grpc/protobufjs at load time; the bundles keep the startup of `bulkhead run` small
// (see bench/run-overhead.mjs and docs/run.md for the figures).
//
// Several separate entry builds, side by side in one directory:
//   main.js           scripts/bundle-entry.ts: answers --version, then imports one of the two below
//   bundle-run.js     src/cli/main.ts with only the `run` command: V8 compiles every byte of a
//                     module it loads, and the auditors are most of the full bundle
//   bundle-full.js    src/cli/main.ts with every command
//   bundle-gate.js    src/audit/image/gate.ts, which bundle-run.js imports when a run audits an image
//   bundle-dry-run.js src/runtime/dry-run.ts, which it imports for --dry-run (the table package)
//   bundle-policy-file.js  src/policy/parse-file.ts, which it imports for a policy that is not
//                     built in, or edited (js-yaml, the schema validator, semver)
//   bundle-errors.js  src/errors.ts, shared by all of them so `instanceof BulkheadError` holds
//                     across bundles (the gate's errors reach the run command's exit-code mapping)
// Not esbuild code splitting: it turns import() of a CommonJS package into a default-only
// module, which breaks `const { Ajv } = await import('ajv')`; separate builds do not.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// `--outfile FILE` builds elsewhere (test/runtime/bundle.test.ts checks a fresh bundle); the
// other files go next to it
const outArg = process.argv.indexOf('--outfile');
const outfile = outArg === -1 ? `${root}dist/cli/main.cjs` : process.argv[outArg + 1];
const outdir = dirname(outfile);
const src = `${root}src${sep}`;
const srcFile = (f) => join(root, 'src', ...f.split('/'));
const shim = (f) => fileURLToPath(new URL(`bundle-shims/${f}`, import.meta.url));

// Source files find package data (package.json, policies/, schemas/) relative to their own
// URL; in the bundle each keeps the URL its dist/ file would have had.
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      if (text.includes('import.meta.url')) {
        const distPath = relative(src, args.path).split(sep).join('/').replace(/\.ts$/, '.js');
        text = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(distPath)}, __bulkheadDistUrl).href`);
      }
      return { contents: text, loader: 'ts' };
    });
  },
};

/** Imports of the given src/ files become imports of the given sibling bundle files. */
function siblings(map) {
  const byPath = new Map(Object.entries(map).map(([from, to]) => [srcFile(from), to]));
  return {
    name: 'sibling-bundles',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!args.importer.startsWith(src)) return undefined;
        const target = join(dirname(args.importer), args.path).replace(/\.js$/, '.ts');
        const to = byPath.get(target);
        if (to === undefined || target === args.importer) return undefined;
        return to.startsWith('shim:') ? { path: shim(to.slice(5)) } : { path: to, external: true };
      });
    },
  };
}

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // the bundles sit one level below dist/
  banner: {
    js: "import { createRequire as __bulkheadCreateRequire } from 'node:module'; const require = __bulkheadCreateRequire(import.meta.url); const __bulkheadDistUrl = new globalThis.URL('../', import.meta.url);",
  },
  alias: {
    '@grpc/grpc-js': shim('unused.cjs'),
    '@grpc/proto-loader': shim('unused.cjs'),
    protobufjs: shim('unused.cjs'),
    ssh2: shim('ssh2.cjs'),
  },
  // native, WASM or browser-automation packages stay in node_modules
  external: ['cpu-features', 'sh-syntax', 'playwright-core', 'playwright'],
};
// CommonJS bundles: node's CommonJS loader starts faster than its ESM loader, and the run bundle
// is compiled through vm.Script, the only way to use a V8 code cache on Node 20
const commonJs = {
  ...common,
  format: 'cjs',
  banner: {
    js: "const __bulkheadSelfUrl = require('node:url').pathToFileURL(__filename).href; const __bulkheadDistUrl = new globalThis.URL('../', __bulkheadSelfUrl);",
  },
  define: { 'import.meta.url': '__bulkheadSelfUrl' },
};
/**
 * Node built-ins that the run bundle's packages require at load time but a local run never calls
 * (https and tls for TLS engines, child_process for commander's executable subcommands and
 * AppArmor loading, zlib for image builds): each becomes an object that requires the real
 * module on first use (~5 ms of startup). Its export names are listed here, from this node, so
 * that esbuild's ES-module interop (__toESM, which copies every property) does not load it: the
 * property descriptors are answered without the module, and a read loads it.
 */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(https|child_process|zlib)$/ }, (args) => ({ path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, async (args) => {
      const names = Object.keys(await import(`node:${args.path}`)).filter((k) => k !== 'default');
      return {
        loader: 'js',
        contents: `const name = ${JSON.stringify(args.path)}; const names = ${JSON.stringify(names)}; let real; const load = () => (real ??= require(name));
module.exports = new Proxy({}, { get: (_t, key) => load()[key], has: (_t, key) => names.includes(key) || key in load(), ownKeys: () => names, getOwnPropertyDescriptor: (_t, key) => (names.includes(key) ? { value: undefined, writable: true, enumerable: true, configurable: true } : undefined) });`,
      };
    });
  },
};
const shared = { 'errors.ts': './bundle-errors.cjs' };
const runBundle = join(outdir, 'bundle-run.cjs');
const entries = [
  { in: srcFile('errors.ts'), out: join(outdir, 'bundle-errors.cjs'), map: {}, options: commonJs },
  { in: srcFile('cli/main.ts'), out: join(outdir, 'bundle-full.js'), map: shared, options: common },
  {
    in: srcFile('cli/main.ts'),
    out: runBundle,
    options: { ...commonJs, alias: { ...commonJs.alias, debug: shim('debug.cjs') } },
    plugins: [lazyBuiltins],
    map: {
      ...shared,
      'audit/image/gate.ts': './bundle-gate.js',
      // scripts/bundle-entry.ts sends only `run` here, so src/cli/main.ts loads no other command
      'cli/commands/policy.ts': 'shim:not-in-run-bundle.js',
      'cli/commands/profile.ts': 'shim:not-in-run-bundle.js',
      'cli/commands/audit.ts': 'shim:not-in-run-bundle.js',
      'cli/commands/rules.ts': 'shim:not-in-run-bundle.js',
      'cli/commands/learn.ts': 'shim:not-in-run-bundle.js',
      'cli/commands/authz.ts': 'shim:not-in-run-bundle.js',
      'cli/commands/pull.ts': 'shim:not-in-run-bundle.js',
      // only --dry-run and policy files that are not built in need these (table, js-yaml, the
      // schema validator): the run bundle is read whole at every start, so they live beside it
      'runtime/dry-run.ts': './bundle-dry-run.js',
      'policy/parse-file.ts': './bundle-policy-file.js',
    },
  },
  { in: srcFile('audit/image/gate.ts'), out: join(outdir, 'bundle-gate.js'), map: shared, options: common },
  { in: srcFile('runtime/dry-run.ts'), out: join(outdir, 'bundle-dry-run.js'), map: shared, options: common },
  { in: srcFile('policy/parse-file.ts'), out: join(outdir, 'bundle-policy-file.js'), map: shared, options: common },
];
await Promise.all(entries.map((e) => build({ ...e.options, entryPoints: [e.in], outfile: e.out, plugins: [siblings(e.map), keepModuleUrls, ...(e.plugins ?? [])] })));

// The run bundle runs inside vm.Script, where import() has no loader: its dynamic imports (the
// sibling bundles, ES modules) go through a function the entry passes in.
let runSource = await readFile(runBundle, 'utf8');
for (const sibling of ['./bundle-gate.js', './bundle-dry-run.js', './bundle-policy-file.js']) {
  const dynamicImport = `import(${JSON.stringify(sibling)})`;
  if (!runSource.includes(dynamicImport)) throw new Error(`scripts/bundle.mjs: expected ${dynamicImport} in ${runBundle}`);
  runSource = runSource.replaceAll(dynamicImport, `__bulkheadImport(${JSON.stringify(sibling)})`);
}
if (/\bimport\(/.test(runSource.replaceAll('__bulkheadImport(', ''))) throw new Error(`scripts/bundle.mjs: ${runBundle} has a dynamic import that vm.Script cannot load`);
// ASCII only: node reads a one-byte string faster, and V8 keeps it at half the size
if (/[\u0080-\uffff]/.test(runSource)) throw new Error(`scripts/bundle.mjs: ${runBundle} has non-ASCII text (${JSON.stringify(/.{0,40}[\u0080-\uffff]/.exec(runSource)[0])}): escape it in the source`);
await writeFile(runBundle, runSource);

// The entry knows which run bundle its code cache belongs to (V8 itself checks only the source length).
const runBundleId = createHash('sha256').update(await readFile(runBundle)).digest('hex').slice(0, 16);
// and which built-in policies ask for a sandbox, for the early GET /info (src/engine/early-info.ts)
const { loadPolicy } = await import(new URL('../dist/policy/load.js', import.meta.url).href);
const sandboxedBuiltins = [];
for (const f of (await readdir(join(root, 'policies'))).sort()) {
  if (!f.endsWith('.yaml')) continue;
  const name = f.slice(0, -'.yaml'.length);
  if ((await loadPolicy(name)).plan.sandbox.mode !== 'off') sandboxedBuiltins.push(name);
}
if (!sandboxedBuiltins.includes('sandboxed')) throw new Error(`scripts/bundle.mjs: the built-in policy sandboxed should ask for a sandbox (found: ${sandboxedBuiltins.join(', ') || 'none'})`);
await build({
  ...commonJs,
  entryPoints: [fileURLToPath(new URL('bundle-entry.ts', import.meta.url))],
  outfile,
  define: { ...commonJs.define, __BULKHEAD_RUN_BUNDLE_ID__: JSON.stringify(runBundleId), __BULKHEAD_SANDBOXED_BUILTINS__: JSON.stringify(sandboxedBuiltins) },
  plugins: [siblings(shared), keepModuleUrls],
});

// The code cache: V8's compiled code for the run bundle after a dry run (the CLI, the policy, the
// profiles), so `bulkhead run` deserialises instead of parsing and compiling ~0.7 MB. Built here,
// never at run time; a node whose V8 differs rejects it and compiles as usual.
for (const f of await readdir(outdir)) {
  // caches of earlier builds: their bundle is gone
  if (/^bundle-run\.[0-9a-f]{16}\.v8cache$/.test(f) && f !== `bundle-run.${runBundleId}.v8cache`) await rm(join(outdir, f), { force: true });
}
// the warm-up's dry runs write their seccomp profile to TMPDIR: a scratch one
const scratch = await mkdtemp(join(tmpdir(), 'bulkhead-code-cache-'));
const warm = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(outfile)}).writeRunCodeCache()`], { encoding: 'utf8', env: { ...process.env, TMPDIR: scratch } });
await rm(scratch, { recursive: true, force: true });
if (warm.status !== 0) throw new Error(`scripts/bundle.mjs: writing the run bundle's code cache failed: ${warm.stderr.trim()}`);
