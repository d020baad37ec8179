#!/usr/bin/env node
// The only place that sets the process exit code (not process.exit(), so piped output is flushed).
import { main } from '../dist/cli/main.js';

// A reader that goes away (`bulkhead ... | head`) is not an error of ours: stop writing, finish normally.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
process.exitCode = await main(process.argv.slice(2), io);
