import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import tar from 'tar-stream';
import type { ContainerCreateOptions, EngineClient } from '../engine/client.js';
import { connectEngine } from '../engine/dockerode-client.js';
import { loadPolicy } from '../policy/load.js';
import { buildRunRequest } from '../runtime/request.js';
import { createOptionsFor, prepareRun, type RunDeps } from '../runtime/run.js';
import { defaultPolicyServices } from '../runtime/services.js';
import { toolVersion } from '../version.js';
import { groupSyscalls } from '../profiles/data/syscall-groups.js';
import { archSummary, attribute, emptyObserved, unnamedWarnings, type Observed } from './attribute.js';
import { parseSeccompRecord } from './audit-records.js';
import { AuditdLog, listeningPorts, pidInContainerCgroup } from './audit-host.js';
import { attributeCapabilities, CapabilityTrace, effectiveCapabilities, emptyCapabilityUse, parseTraceLine, type CapabilityUse } from './cap-trace.js';
import { runcBaseSet } from './data/runc-base.js';
import { DOCKER_DEFAULT_ALLOWED } from './data/docker-default.js';
import { observeSeccompProfile } from './observe-profile.js';
import { learnedPolicy } from './policy-out.js';
import { tmpfsFromWrites, writeRoots } from './writes.js';

export interface LearnOptions {
  image: string;
  command: string[];
  policy?: string;
  /** watch this long (seconds), then stop the workload; absent with untilExit */
  durationS?: number;
  untilExit: boolean;
  /** a host command run while the workload runs (retried until it succeeds or time is up) */
  probe?: string;
  publish: string[];
  output: string;
  force: boolean;
  /** a policy an earlier learn run wrote: what it allowed is kept (several runs merged) */
  merge?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
}

export interface RunOutcome {
  exitCode?: number;
  stillRunning: boolean;
  probeOk?: boolean;
}

export interface LearnResult {
  written: boolean;
  verified: boolean;
  reasons: string[];
  warnings: string[];
  syscalls: { learned: number; base: number; untrusted: number; dockerDefault: number };
  tmpfs: string[];
  learnMs: number;
  learnRun: RunOutcome;
  verifyRun?: RunOutcome;
  /** what the cap_capable trace saw (absent where it could not be observed), and the learned `add` */
  capabilities?: { granted: string[]; refused: Array<[string, number]>; add: string[] };
}

/** The longest an --until-exit workload is watched. */
const UNTIL_EXIT_CAP_MS = 120_000;
const POLL_MS = 150;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function runProbe(cmd: string): Promise<boolean> {
  return new Promise((res) => execFile('sh', ['-c', cmd], { timeout: 10_000 }, (err) => res(!err)));
}

/** Retries the probe until it succeeds or the deadline passes. */
async function probeUntil(cmd: string, deadline: number): Promise<boolean> {
  for (;;) {
    if (await runProbe(cmd)) return true;
    if (Date.now() + 300 > deadline) return false;
    await sleep(300);
  }
}

/** Bytes under a path of a stopped container and whether it is a directory, from the engine's archive. */
async function archiveFacts(engine: EngineClient, id: string, path: string): Promise<{ isDir: boolean; bytes: number }> {
  const stream = await engine.containerArchive(id, path);
  const extract = tar.extract();
  let first: boolean | undefined;
  let bytes = 0;
  await new Promise<void>((res, rej) => {
    extract.on('entry', (header, body, next) => {
      first ??= header.type === 'directory';
      bytes += header.size ?? 0;
      body.on('end', next);
      body.resume();
    });
    extract.on('finish', res);
    extract.on('error', rej);
    stream.on('error', rej);
    stream.pipe(extract);
  });
  return { isDir: first ?? false, bytes };
}

interface Watched {
  outcome: RunOutcome;
  observed: Observed;
  memoryPeak: number;
  pidsPeak: number;
  ports: Set<number>;
  /** undefined where the capability trace was off or did not see the workload start */
  capabilities: CapabilityUse | undefined;
}

/**
 * Creates and starts a container, runs the probe, waits (duration or exit), stops it, and (when
 * `log` is given) attributes the seccomp records of its processes while it runs. Leaves the
 * container stopped, not removed: the caller reads its changes and removes it.
 */
async function watch(engine: EngineClient, options: ContainerCreateOptions, o: LearnOptions, log?: AuditdLog, byElimination = false, caps?: CapabilityTrace): Promise<{ id: string; eliminated: number } & Watched> {
  const { id } = await engine.createContainer(options);
  let eliminated = 0;
  const observed = emptyObserved();
  const known = new Set<number>();
  const capabilities = emptyCapabilityUse();
  const w: Watched = { outcome: { stillRunning: false }, observed, memoryPeak: 0, pidsPeak: 0, ports: new Set(), capabilities };
  let initPid = 0;
  // each host pid asked once: the capability trace sees every task on the host
  const notOurs = new Set<number>();
  /** whether a host pid is the container's: known, or by its cgroup now; undefined when it is gone */
  const inContainer = (pid: number): boolean | undefined => {
    if (known.has(pid)) return true;
    if (notOurs.has(pid)) return false;
    const inCgroup = pidInContainerCgroup(pid, id);
    if (inCgroup !== undefined) (inCgroup ? known : notOurs).add(pid);
    return inCgroup;
  };
  let execSeen = false;
  // read once per task, after its exec: a set that changes later (capset) is not followed
  const effective = new Map<number, bigint | undefined>();
  const drain = (): void => {
    // read only once the init pid is known (until then the trace buffer holds the lines)
    if (caps && initPid) {
      const events = caps.readLines().map(parseTraceLine).filter((e) => e !== undefined);
      execSeen = attributeCapabilities(events, initPid, execSeen, (pid) => inContainer(pid) === true, capabilities, (pid) => {
        if (!effective.has(pid)) effective.set(pid, effectiveCapabilities(pid));
        return effective.get(pid);
      });
    }
    if (!log) return;
    const records = log.readLines().map(parseSeccompRecord).filter((r) => r !== undefined);
    // by cgroup (the record has none, so the pid's /proc/PID/cgroup while it lives), else the pids top listed
    attribute(records, (pid) => {
      const inCgroup = inContainer(pid);
      // a pid gone before it was seen: ours by elimination when no other LOG filter runs under this engine
      if (inCgroup === undefined && byElimination) eliminated++;
      return inCgroup ?? byElimination;
    }, observed);
  };
  const sample = async (): Promise<void> => {
    const [top, stats] = await Promise.all([engine.topContainer(id, '-o pid').catch(() => undefined), engine.containerStats?.(id).catch(() => undefined)]);
    const col = top?.Titles.indexOf('PID') ?? -1;
    for (const p of top?.Processes ?? []) if (col >= 0) known.add(Number(p[col]));
    const mem = stats?.memory_stats;
    w.memoryPeak = Math.max(w.memoryPeak, mem?.max_usage ?? 0, mem?.usage ?? 0);
    w.pidsPeak = Math.max(w.pidsPeak, stats?.pids_stats?.current ?? 0);
    if (initPid) for (const p of listeningPorts(initPid)) w.ports.add(p);
    drain();
  };
  // read the log while the container starts, so short-lived processes are still there to be checked
  let starting = true;
  const early = (async () => {
    while (starting) {
      drain();
      await sleep(20);
    }
  })();
  await engine.startContainer(id);
  starting = false;
  await early;
  const started = Date.now();
  initPid = (await engine.inspectContainer(id)).State.Pid;
  if (initPid) known.add(initPid);
  const deadline = started + (o.untilExit ? UNTIL_EXIT_CAP_MS : (o.durationS ?? 5) * 1000);
  const exited = engine.waitContainer(id, 'not-running').then((r) => r.StatusCode);
  let exitCode: number | undefined;
  void exited.then((c) => (exitCode = c));
  const probe = o.probe ? probeUntil(o.probe, o.untilExit ? started + 15_000 : deadline) : undefined;
  while (Date.now() < deadline && (exitCode === undefined || !o.untilExit)) {
    await sample();
    if (exitCode !== undefined && !o.untilExit) break;
    await sleep(POLL_MS);
  }
  if (probe) w.outcome.probeOk = await probe;
  w.outcome.stillRunning = exitCode === undefined;
  if (exitCode === undefined) {
    await sample();
    await engine.killContainer(id, 'SIGTERM').catch(() => undefined);
    await Promise.race([exited, sleep(1000)]);
    if (exitCode === undefined) await engine.killContainer(id, 'SIGKILL').catch(() => undefined);
  }
  w.outcome.exitCode = await exited;
  // auditd writes asynchronously: give the last records a moment
  if (log) {
    await sleep(400);
    drain();
  }
  // a workload gone before its init pid was read, or whose exec the trace did not hold: unobserved
  if (caps && !execSeen) w.capabilities = undefined;
  return { id, eliminated, ...w };
}

/** `bulkhead learn`: watch, write a policy that extends the base with what was used, verify it. */
export async function learn(o: LearnOptions): Promise<LearnResult> {
  const t0 = Date.now();
  const warnings: string[] = [];
  const say = o.log;
  o = { ...o, log: (line) => say(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${line}`) };
  const engine = await connectEngine(o.env.DOCKER_HOST || undefined);
  const policy = await defaultPolicyServices();
  const deps: RunDeps = { policy, connectEngine: async () => engine, toolVersion: toolVersion() };
  const request = buildRunRequest(o.image, o.command, { publish: o.publish }, { cwd: o.cwd, env: o.env });
  // the same plan, user, capabilities and flags enforcement uses; only the root and seccomp differ
  const prepared = await prepareRun(request, { cwd: o.cwd, ...(o.policy !== undefined ? { policy: o.policy } : {}) }, deps, { load: true });
  const image = await engine.inspectImage(o.image);
  const enforced = createOptionsFor(prepared, image.Config?.User, deps.toolVersion);
  const observe = structuredClone(enforced);
  observe.HostConfig!.ReadonlyRootfs = false;
  observe.HostConfig!.SecurityOpt = [...(enforced.HostConfig?.SecurityOpt ?? []).filter((s: string) => !s.startsWith('seccomp=')), `seccomp=${JSON.stringify(observeSeccompProfile())}`];
  observe.HostConfig!.RestartPolicy = { Name: 'no', MaximumRetryCount: 0 };
  observe.name = `learn-${randomBytes(4).toString('hex')}`;

  const version = await engine.version();
  const runcVersion = version.Components?.find((c) => c.Name === 'runc')?.Version;
  const pinned = runcBaseSet(runcVersion);
  if (!pinned) warnings.push(`runc ${runcVersion ?? 'unknown'}: no measured post-filter syscall set for this version; using what runc init was seen to call`);

  const otherLog = await otherLogFilters(engine);
  if (otherLog.length) warnings.push(`other containers run with a seccomp LOG profile (${otherLog.join(', ')}): records of processes that exit before they are seen cannot be attributed`);
  const audit = await AuditdLog.open();
  const capTrace = await CapabilityTrace.open();
  if (typeof capTrace === 'string') warnings.push(`capabilities not observed: ${capTrace}; the base's capabilities are kept as they are`);
  const caps = typeof capTrace === 'string' ? undefined : capTrace;
  let watched;
  let capsLost = 0;
  try {
    o.log(`learn: watching ${o.image} under ${prepared.policyName} (writable root, seccomp LOG${caps ? ', capability checks traced' : ''}) ${o.untilExit ? 'until it exits' : `for ${o.durationS ?? 5} s`}`);
    watched = await watch(engine, observe, o, audit, otherLog.length === 0, caps);
    capsLost = caps?.lost() ?? 0;
  } finally {
    await audit.close();
    await caps?.close();
  }
  if (caps && !watched.capabilities) warnings.push('capabilities not observed: the workload\'s start was not in the capability trace (it exited before its pid was read); the base\'s capabilities are kept as they are');
  if (capsLost > 0) warnings.push(`the capability trace overwrote ${capsLost} events before they were read: a capability used only then is missed (the verify run shows whether it matters)`);
  if (audit.rotations > 0) o.log(`learn: auditd rotated its log ${audit.rotations} time(s) while watched; followed, nothing lost`);
  if (watched.eliminated > 0) o.log(`learn: ${watched.eliminated} records from processes that exited before their cgroup was read, attributed by elimination (no other LOG filter under this engine)`);
  const failed = o.untilExit ? watched.outcome.exitCode !== 0 : !watched.outcome.stillRunning;
  if (failed) warnings.push(`the workload ${watched.outcome.stillRunning ? 'was still running' : `exited ${watched.outcome.exitCode}`} while watched${o.untilExit ? '' : ` (before the ${o.durationS ?? 5} s were up)`}: what was learned is the path of a failing run`);
  if (watched.outcome.probeOk === false) warnings.push('the probe never succeeded while watched: the request path was not exercised');
  const lost = await audit.lostSinceStart().catch(() => 0);
  if (lost > 0) warnings.push(`the kernel dropped ${lost} audit records host-wide while watching: the learned allowlist may be short (the verify run shows whether it matters)`);
  if (watched.observed.unattributed > 0) warnings.push(`${watched.observed.unattributed} seccomp LOG records came from processes not attributed to the container (other LOG filters on this host, or processes that exited before they were seen)`);
  warnings.push(...unnamedWarnings(watched.observed));

  o.log(`learn: watched; ${watched.observed.records} records of the container, reading its changes`);
  const roots = writeRoots(await engine.containerChanges(watched.id));
  const facts = await Promise.all(roots.map(async (r) => ({ ...r, ...(await archiveFacts(engine, watched.id, r.path).catch(() => ({ isDir: r.added === false, bytes: 0 }))) })));
  await engine.removeContainer(watched.id, { force: true }).catch(() => undefined);
  const tmpfs = tmpfsFromWrites(facts, prepared.plan.tmpfs.map((t) => t.path));

  const loaded = await loadPolicy(o.policy, { cwd: o.cwd });
  const previous = o.merge === undefined ? undefined : { file: o.merge, policy: (await loadPolicy(o.merge.includes('/') ? o.merge : `./${o.merge}`, { cwd: o.cwd })).policy };
  const outFile = resolve(o.cwd, o.output);
  const extendsRef = loaded.source.includes('/policies/') && !(o.policy ?? '').includes('/') ? loaded.name : relativeRef(dirname(outFile), loaded.source);
  const runtime = new Set([...(pinned?.syscalls ?? []), ...watched.observed.runtime]);
  const header = [
    `Learned by bulkhead learn ${deps.toolVersion} on ${new Date().toISOString().slice(0, 10)}: ${o.image}${o.command.length ? ` -- ${o.command.join(' ')}` : ''}`,
    `watched ${o.untilExit ? 'until exit' : `${o.durationS ?? 5} s`}${o.probe ? ` with probe: ${o.probe}` : ''}; ${watched.observed.records} seccomp records, ${lost} lost; runc ${runcVersion ?? '?'} (${pinned ? 'measured set' : 'unmeasured'}), ${archSummary(watched.observed)}`,
    'A learned policy covers only the paths the workload took while watched (docs/learn.md).',
  ];
  const name = `learned-${basename(o.image).replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'workload'}`;
  const out = learnedPolicy(loaded.policy, extendsRef, name, {
    syscalls: new Set(watched.observed.syscalls.keys()),
    runtime,
    tmpfs,
    memoryPeakBytes: watched.memoryPeak,
    pidsPeak: watched.pidsPeak,
    ports: [...watched.ports].sort((a, b) => a - b),
    ...(watched.capabilities ? { capabilities: watched.capabilities } : {}),
    ...(previous ? { previous } : {}),
  }, header, numericOwner(enforced.User));
  const counts = {
    learned: out.syscalls.length,
    base: loaded.policy.securityContext.seccompProfile.syscalls?.length ?? groupSyscalls(loaded.policy.securityContext.seccompProfile.allowGroups).length,
    untrusted: groupSyscalls([]).length,
    dockerDefault: new Set(DOCKER_DEFAULT_ALLOWED).size,
  };
  const result: LearnResult = {
    written: false, verified: false, reasons: out.reasons, warnings, syscalls: counts, tmpfs: tmpfs.map((t) => t.path), learnMs: 0, learnRun: watched.outcome,
    ...(watched.capabilities ? { capabilities: { granted: [...watched.capabilities.granted.keys()].sort(), refused: [...watched.capabilities.refused].sort((a, b) => b[1] - a[1]), add: out.capabilitiesAdd ?? [] } } : {}),
  };
  if (out.reasons.length) {
    result.learnMs = Date.now() - t0;
    return result;
  }

  // validate with the project's own loader, then prove it: the same command and probe, enforced
  const tmp = resolve(dirname(outFile), `.${basename(outFile)}.${process.pid}.tmp.yaml`);
  writeFileSync(tmp, out.yaml);
  try {
    const learnedPrepared = await prepareRun(buildRunRequest(o.image, o.command, { publish: o.publish }, { cwd: o.cwd, env: o.env }), { cwd: o.cwd, policy: tmp }, deps, { load: true });
    const verifyOptions = createOptionsFor(learnedPrepared, image.Config?.User, deps.toolVersion);
    verifyOptions.HostConfig!.RestartPolicy = { Name: 'no', MaximumRetryCount: 0 };
    verifyOptions.name = `learn-verify-${randomBytes(4).toString('hex')}`;
    o.log(`learn: verifying under the learned policy (read-only root, ${counts.learned} syscalls)`);
    const verified = await watch(engine, verifyOptions, o);
    await engine.removeContainer(verified.id, { force: true }).catch(() => undefined);
    result.verifyRun = verified.outcome;
    result.verified = sameOutcome(watched.outcome, verified.outcome, o.untilExit);
    if (result.verified || o.force) {
      renameSync(tmp, outFile);
      result.written = true;
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  result.learnMs = Date.now() - t0;
  return result;
}

/** The verify run passes when it behaves as the watched run did: same exit (or still running), probe passing. */
export function sameOutcome(learned: RunOutcome, verified: RunOutcome, untilExit: boolean): boolean {
  if (verified.probeOk === false) return false;
  if (untilExit) return verified.exitCode === learned.exitCode;
  return verified.stillRunning === learned.stillRunning && (learned.stillRunning || verified.exitCode === learned.exitCode);
}

function relativeRef(fromDir: string, file: string): string {
  const rel = relative(fromDir, file);
  return isAbsolute(rel) ? rel : rel.startsWith('.') ? rel : `./${rel}`;
}

/** Running containers (not ours) whose seccomp profile logs: their records would mix with ours. */
async function otherLogFilters(engine: EngineClient): Promise<string[]> {
  const out: string[] = [];
  for (const c of await engine.listContainers()) {
    const info = await engine.inspectContainer(c.Id).catch(() => undefined);
    if (info?.HostConfig.SecurityOpt?.some((s: string) => s.startsWith('seccomp=') && s.includes('SCMP_ACT_LOG'))) out.push(info.Name.replace(/^\//, ''));
  }
  return out;
}

/** "uid:gid" (or "uid") -> numbers for a tmpfs owner; a user name cannot be resolved here. */
export function numericOwner(user: string | undefined): { uid: number; gid: number } | undefined {
  const m = /^(\d+)(?::(\d+))?$/.exec(user ?? '');
  return m ? { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) } : undefined;
}
