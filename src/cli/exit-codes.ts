/**
 * Every exit code bulkhead uses, in one table. Only bin/bulkhead.js turns these into
 * process.exitCode; everything else returns or throws them.
 *
 * Audits:  0 clean, 1 findings at/above --fail-on, 2 usage or invalid input, 3 engine unreachable.
 * `run`:   the container's own exit code passes through; bulkhead's own failures use the
 *          110-127 band, with 125/126/127 meaning what they mean for `docker run`.
 */
export const ExitCode = {
  ok: 0,
  /** audit: at least one finding at or above the --fail-on threshold */
  findings: 1,
  /** audit: bad usage, unreadable or invalid input (including an invalid policy/config) */
  auditUsage: 2,
  /** audit: the Docker engine could not be reached */
  auditEngineUnreachable: 3,

  /** run, pull: the image could not be pulled (registry unreachable, unknown image or tag, denied) */
  runPullFailed: 117,
  /** run: the audit-then-run gate found issues at or above the policy's threshold */
  runGateRefused: 118,
  /** run: the image does not exist in the engine */
  runImageNotFound: 119,
  /** run: the Docker engine could not be reached */
  runEngineUnreachable: 120,
  /** run: the policy file is invalid (schema, extends, requires) */
  runInvalidPolicy: 121,
  /** run: the request was refused by policy (mount, privileged, capability, uid 0, ...) */
  runRefused: 122,
  /** learn: the learned policy failed its verify run, so it was not written (unless --force) */
  learnVerifyFailed: 4,
  /** learn: the workload needs something the base policy forbids (reported, not added) */
  learnForbidden: 5,

  /** run: bad command-line usage */
  runUsage: 123,
  /** run: bulkhead or the engine failed before the container ran (docker run's 125) */
  runFailed: 125,
  /** run: the contained command cannot be invoked (docker run's 126) */
  runCannotInvoke: 126,
  /** run: the contained command was not found (docker run's 127) */
  runCommandNotFound: 127,
} as const;

export type ExitCodeName = keyof typeof ExitCode;
