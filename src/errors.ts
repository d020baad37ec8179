/**
 * Typed errors. Code below the CLI throws these; src/cli/main.ts maps `kind` to an exit code
 * for the command at hand, and prints `message` as one line.
 */
export type ErrorKind =
  | 'usage' // bad flags or arguments
  | 'invalid-input' // a file we were asked to read is malformed (policy, config, Dockerfile, tarball)
  | 'invalid-policy' // a policy failed schema, extends or requires checks
  | 'refused' // the policy (or the host's inability to enforce it) refuses the request
  | 'gate' // the audit-then-run gate refused the image
  | 'not-found' // an image, container or file that does not exist
  | 'pull' // an image could not be pulled (registry down, unknown image or tag, denied)
  | 'engine-unreachable' // no Docker engine answered
  | 'engine' // the engine answered with an error
  | 'internal';

export class BulkheadError extends Error {
  readonly kind: ErrorKind;
  /** Optional extra lines (e.g. the findings behind a gate refusal); printed after the message. */
  readonly details: string[];
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown; details?: string[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BulkheadError';
    this.kind = kind;
    this.details = options?.details ?? [];
  }
}

export function isBulkheadError(e: unknown): e is BulkheadError {
  return e instanceof BulkheadError;
}

/** One line, never a stack: what went wrong, for a person. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? String(e);
  return String(e);
}
