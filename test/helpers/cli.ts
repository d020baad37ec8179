import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as bin/bulkhead.js would, capturing both streams. */
export async function runCli(args: string[], options: { env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const stdin = Readable.from(options.stdin === undefined ? [] : [options.stdin]);
  const code = await main(args, { stdout: out, stderr: err, stdin, env: { ...process.env, NO_COLOR: '1', ...options.env } });
  return { code, stdout, stderr };
}
