// Bundles the CLI into dist/cli/main.js (what bin/bulkhead.js imports), after `tsc` has built
// dist/. Why: node resolves and evaluates hundreds of small files otherwise, and dockerode
// pulls in grpc/protobufjs at load time; the bundle keeps `bulkhead run` within a few tens of
// ms of `docker run` (see bench/run-overhead.mjs).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// `--outfile FILE` builds elsewhere (test/runtime/bundle.test.ts checks a fresh bundle)
const outArg = process.argv.indexOf('--outfile');
const outfile = outArg === -1 ? `${root}dist/cli/main.js` : process.argv[outArg + 1];
const src = `${root}src${sep}`;
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

await build({
  entryPoints: [fileURLToPath(new URL('bundle-entry.ts', import.meta.url))],
  outfile,
  bundle: true,
  // one file: code splitting turns import() of a CommonJS package into a default-only module,
  // which breaks `const { Ajv } = await import('ajv')`; lazily imported modules are still only
  // evaluated on first use
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // the bundle sits one level below dist/
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
  plugins: [keepModuleUrls],
});
