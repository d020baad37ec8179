#!/usr/bin/env node
// CommonJS (bin/package.json): node starts a CommonJS entry faster than an ES module, and startup
// is most of what `bulkhead run` adds to `docker run` (docs/run.md).
// The only place that sets the process exit code (not process.exit(), so piped output is flushed).
'use strict';
const { main } = require('../dist/cli/main.cjs');

// A reader that goes away (`bulkhead ... | head`) is not an error of ours: stop writing, finish normally.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
// stdin on demand: node builds process.stdin on first access, and most commands never read it
const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  get stdin() {
    return process.stdin;
  },
  env: process.env,
};
main(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
});
