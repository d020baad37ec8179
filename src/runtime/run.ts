import type { EventEmitter } from 'node:events';
import { BulkheadError } from '../errors.js';
import { DockerApiError, type ContainerCreateOptions, type EngineClient } from '../engine/client.js';
import type { HardeningPlan } from '../policy/plan.js';
import { decideAppArmor, realAppArmorHost, type AppArmorDecision, type AppArmorHost } from './apparmor.js';
import { chooseUser, toCreateOptions, type TmpfsOwner } from './create-options.js';
import { readOnlyHintTap, type ReadOnlyHintTap } from './read-only-hint.js';
import { claimCidfile, writeCidfile } from './cidfile.js';
import { gateCacheKey, type GateCache } from './gate-cache.js';
import { uidOfNamedUser } from '../engine/container-user.js';
import { namedUser } from '../users.js';
import { preflight, realPreflightHost, type PreflightHost } from './preflight.js';
import type { RunRequest } from './request.js';
import { ensureImage } from './pull.js';
import { decideSandbox, type SandboxDecision } from './sandbox.js';
import { runtimesFromInfo } from '../engine/runtimes.js';

/** The policy side the runtime needs (src/policy, src/profiles), injected so tests can substitute plans. */
export interface PolicyServices {
  loadPolicy(ref: string | undefined, options: { cwd: string }): Promise<{ name: string; source: string; plan: HardeningPlan }>;
  planHash(plan: HardeningPlan): string;
  /** `gvisor`: the profile as runsc --oci-seccomp enforces it */
  toSeccompProfile(plan: HardeningPlan, target?: { gvisor?: boolean }): unknown;
  toAppArmorProfile(plan: HardeningPlan): string;
}

export interface GateVerdict {
  refused: boolean;
  summary: string[];
}

/**
 * The audit-then-run gate (src/audit/image/gate.ts, owned by the image auditor). Injected
 * rather than imported so the runtime does not depend on the audit code's shape: an audit is
 * JSON to the runtime, cached by image id and handed back to `verdict` with each policy's gate.
 */
export interface ImageGate {
  /** reads the image and keeps every finding, whatever any policy's threshold */
  audit(engine: EngineClient, imageRef: string): Promise<unknown>;
  /** one policy's verdict over an audit; undefined when `audit` is not one (an older or damaged cache entry) */
  verdict(audit: unknown, gate: HardeningPlan['gate']): GateVerdict | undefined;
}

/** A terminal on stdin (process.stdin when it is a TTY). */
interface TerminalInput {
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
}

export interface RunIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; rows?: number; columns?: number };
  stderr: NodeJS.WritableStream;
  /** streamed into the container with -i */
  stdin?: NodeJS.ReadableStream & TerminalInput;
  env: Record<string, string | undefined>;
}

export interface RunDeps {
  policy: PolicyServices;
  connectEngine: (url?: string) => Promise<EngineClient>;
  appArmor?: AppArmorHost;
  preflightHost?: PreflightHost;
  /** where SIGINT/SIGTERM arrive (process by default) */
  signals?: EventEmitter;
  imageGate?: ImageGate;
  /** audits of earlier gate runs, by image id */
  gateCache?: GateCache;
  toolVersion: string;
  /** how long a forwarded SIGINT/SIGTERM may take before the container is killed */
  stopGraceMs?: number;
}

export interface RunSettings {
  /** --policy: a built-in name or a file; the default policy when absent */
  policy?: string;
  cwd: string;
  /** engine URL; DOCKER_HOST from io.env, then the usual sockets, when absent */
  engineUrl?: string;
}

/** Everything decided before the engine is touched: what --dry-run prints and run executes. */
export interface PreparedRun {
  policyName: string;
  policySource: string;
  plan: HardeningPlan;
  planHash: string;
  seccompProfile?: unknown;
  appArmor: AppArmorDecision;
  /** runc or gVisor; at prepare time an assumption, settled once the engine's runtimes are read */
  sandbox: SandboxDecision;
  request: RunRequest;
}

/** load policy (or take the one `loaded` is loading) -> apply flags -> preflight refusals -> AppArmor decision (loaded only when `load`). */
export async function prepareRun(
  request: RunRequest,
  settings: RunSettings,
  deps: RunDeps,
  options: { load: boolean; loaded?: ReturnType<RunDeps['policy']['loadPolicy']> },
): Promise<PreparedRun> {
  const loaded = await (options.loaded ?? deps.policy.loadPolicy(settings.policy, { cwd: settings.cwd }));
  const host = deps.preflightHost ?? realPreflightHost;
  const plan = preflight(loaded.plan, request, host);
  if (plan.gate.enabled && request.noGate && !plan.gate.allowSkip) {
    throw new BulkheadError('refused', `refused: --no-gate: policy ${plan.policyName} does not allow skipping the image gate`);
  }
  const appArmor = await decideAppArmor(plan, deps.appArmor ?? realAppArmorHost, () => deps.policy.toAppArmorProfile(plan), options);
  const prepared: PreparedRun = {
    policyName: loaded.name,
    policySource: loaded.source,
    plan,
    planHash: deps.policy.planHash(plan),
    appArmor,
    sandbox: decideSandbox(plan, undefined),
    request,
  };
  if (plan.seccomp.mode === 'generated') prepared.seccompProfile = deps.policy.toSeccompProfile(plan, prepared.sandbox.runtime ? { gvisor: true } : {});
  return prepared;
}

/** The create body for a prepared run, given the user the image would run as. */
export function createOptionsFor(prepared: PreparedRun, imageUser: string | undefined, toolVersion: string, tmpfsOwner?: TmpfsOwner): ContainerCreateOptions {
  return toCreateOptions(prepared.plan, prepared.request, {
    planHash: prepared.planHash,
    seccompProfile: prepared.seccompProfile,
    ...(prepared.appArmor.profileName ? { appArmorProfile: prepared.appArmor.profileName } : {}),
    user: chooseUser(prepared.plan, imageUser, prepared.request.user),
    toolVersion,
    ...(tmpfsOwner ? { tmpfsOwner } : {}),
    ...(prepared.sandbox.runtime ? { runtime: prepared.sandbox.runtime } : {}),
  });
}

/** docker run's own codes for a command that cannot be started: 127 not found, 126 not executable. */
export function startFailureExitCode(message: string): number | undefined {
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied/i.test(message)) return 126;
  return undefined;
}

function engineUrlFrom(settings: RunSettings, env: Record<string, string | undefined>): string | undefined {
  return settings.engineUrl ?? (env.DOCKER_HOST || undefined);
}

/**
 * The audit-then-run gate, on the image id (a tag can move). Audits are cached by id and
 * bulkhead version, not by policy: this policy's verdict is taken from a cached audit.
 */
async function passImageGate(engine: EngineClient, imageRef: string, imageId: string, gate: HardeningPlan['gate'], imageGate: ImageGate, deps: RunDeps): Promise<void> {
  const key = gateCacheKey(imageId, deps.toolVersion);
  const cached = deps.gateCache?.get(key);
  let verdict = cached === undefined ? undefined : imageGate.verdict(cached, gate);
  if (!verdict) {
    const audit = await imageGate.audit(engine, imageId);
    deps.gateCache?.set(key, audit);
    verdict = imageGate.verdict(audit, gate);
    if (!verdict) throw new BulkheadError('gate', `refused: the image gate could not read its own audit of ${imageRef}`);
  }
  if (verdict.refused) {
    // a reviewed setuid or secret file is accepted by the policy's allowlists, not by skipping the gate
    const skip = gate.allowSkip ? '; --no-gate skips the gate under this policy' : '';
    throw new BulkheadError('gate', `refused by the image gate: ${imageRef} has findings at or above ${gate.failOn} (a reviewed file is accepted by path and sha256 in the policy's gate.setuidAllowlist or gate.secretAllowlist${skip})`, { details: verdict.summary });
  }
}

/** The container must run the image the gate audited, even if the tag moved in between. */
async function checkSameImage(engine: EngineClient, containerId: string, auditedImageId: string, request: RunRequest): Promise<void> {
  const created = await engine.inspectContainer(containerId);
  if (created.Image !== auditedImageId) {
    await removeQuietly(engine, containerId);
    throw new BulkheadError('gate', `refused: ${request.image} changed while it was being audited (${auditedImageId.slice(0, 19)} audited, ${String(created.Image).slice(0, 19)} found); run again`);
  }
}

/**
 * Connects, then makes sure the image is there as --pull says (missing by default, like docker
 * run) and inspects it: the id returned is what the gate audits, never the tag. The engine's
 * info is asked for at the same time when the policy wants a sandbox.
 */
async function reachEngine(
  request: RunRequest,
  url: string | undefined,
  io: RunIo,
  deps: RunDeps,
  wantsSandbox: Promise<boolean>,
): Promise<{ engine: EngineClient; imageUser: string | undefined; imageId: string; info: Promise<Record<string, unknown> | undefined> }> {
  const engine = await deps.connectEngine(url);
  const info = wantsSandbox.then((wanted) => (wanted ? engine.info() : undefined));
  // awaited only when a sandbox is wanted; an error there is reported then
  info.catch(() => undefined);
  const image = await ensureImage(engine, request.image, request.pull ?? 'missing', { stderr: io.stderr, env: io.env }, request.platform ? { platform: request.platform } : {});
  return { engine, imageUser: image.Config?.User, imageId: image.Id, info };
}

/**
 * A user given by name (the image's USER or --user) is looked up by the runtime in the image's
 * /etc/passwd at start, and a name that is uid 0 there is root whatever it is called. Checked on
 * the created container, before anything starts: the image's user is then replaced by the
 * policy's uid, as for USER root; an explicit --user is refused.
 */
async function createAsNonRoot(engine: EngineClient, prepared: PreparedRun, imageUser: string | undefined, io: RunIo, toolVersion: string): Promise<string> {
  const options = createOptionsFor(prepared, imageUser, toolVersion);
  const { id } = await engine.createContainer(options);
  const name = namedUser(options.User);
  if (name === undefined) return id;
  const recreateOwned = async (uid: number): Promise<string> => {
    // the tmpfs roots belong to the run's user: known only now for a named USER
    if (prepared.plan.tmpfs.length === 0) return id;
    await removeQuietly(engine, id);
    return (await engine.createContainer(createOptionsFor(prepared, imageUser, toolVersion, { uid }))).id;
  };
  let uid: number | undefined;
  try {
    uid = await uidOfNamedUser(engine, id, name);
  } catch (err) {
    await removeQuietly(engine, id);
    throw err;
  }
  if (uid === undefined) return id;
  if (uid !== 0) return recreateOwned(uid);
  await removeQuietly(engine, id);
  const requested = prepared.request.user;
  if (requested !== undefined && requested !== '') {
    throw new BulkheadError('refused', `refused: --user ${requested}: "${name}" is uid 0 (root) in the image's /etc/passwd`);
  }
  const policyUser = `${prepared.plan.user.uid}:${prepared.plan.user.gid}`;
  io.stderr.write(`bulkhead: the image's USER ${imageUser ?? name} is uid 0 (root) in its /etc/passwd: running as ${policyUser}\n`);
  return (await engine.createContainer(createOptionsFor(prepared, undefined, toolVersion))).id;
}

async function removeQuietly(engine: EngineClient, id: string): Promise<void> {
  try {
    await engine.removeContainer(id, { force: true });
  } catch {
    // already gone (AutoRemove, or removed by someone else): nothing to clean up
  }
}

/**
 * `bulkhead run`: prepare -> connect -> inspect image -> gate -> create -> attach -> start ->
 * wait. Returns the exit code: the container's own, or 126/127 when its command cannot start.
 * Failures before the container runs throw BulkheadError (mapped to 118-125 by the CLI).
 */
export async function runContainer(request: RunRequest, settings: RunSettings, io: RunIo, deps: RunDeps): Promise<number> {
  // docker run's own check, before anything is created
  if (request.interactive && request.tty && !request.detach && io.stdin?.isTTY !== true) {
    throw new BulkheadError('usage', 'the input device is not a TTY: -it needs a terminal on stdin (use -i alone for a pipe)');
  }
  // Reaching the engine (loading the client, negotiating the API version, inspecting the image)
  // overlaps with preparing the run: it creates nothing, and a refusal still wins below. The
  // policy starts loading first (a built-in one from the build's cache: a few ms): whether it
  // asks for a sandbox decides whether the engine's runtimes (GET /info, ~25 ms of the engine's
  // time here) are asked for, beside the version ping and the image inspect.
  const loading = deps.policy.loadPolicy(settings.policy, { cwd: settings.cwd });
  loading.catch(() => undefined);
  const reached = reachEngine(request, engineUrlFrom(settings, io.env), io, deps, loading.then((l) => l.plan.sandbox.mode !== 'off', () => false));
  reached.catch(() => undefined);
  // a turn of the event loop: an answered ping lets the image inspect go out before the policy work
  await new Promise((resolve) => setImmediate(resolve));
  const prepared = await prepareRun(request, settings, deps, { load: true, loaded: loading });
  if (prepared.appArmor.warning) io.stderr.write(`bulkhead: ${prepared.appArmor.warning}\n`);
  const { engine, imageUser, imageId, info } = await reached;
  if (prepared.plan.sandbox.mode !== 'off') {
    const assumed = prepared.sandbox;
    prepared.sandbox = decideSandbox(prepared.plan, runtimesFromInfo((await info) ?? (await engine.info())) ?? {});
    if (prepared.sandbox.warning) io.stderr.write(`bulkhead: ${prepared.sandbox.warning}\n`);
    // the profile prepareRun generated fits the runtime it assumed; another runtime needs its own
    const gvisor = prepared.sandbox.runtime !== undefined;
    if (prepared.plan.seccomp.mode === 'generated' && gvisor !== (assumed.runtime !== undefined)) prepared.seccompProfile = deps.policy.toSeccompProfile(prepared.plan, gvisor ? { gvisor: true } : {});
  }

  let auditedImageId: string | undefined;
  if (prepared.plan.gate.enabled && !request.noGate) {
    const imageGate = deps.imageGate;
    if (!imageGate) {
      // never claim enforcement we do not have: say the gate did not run
      io.stderr.write(`bulkhead: warning: policy ${prepared.policyName} enables the image gate, but this build has no image auditor; the image was not audited\n`);
    } else {
      await passImageGate(engine, request.image, imageId, prepared.plan.gate, imageGate, deps);
      auditedImageId = imageId;
    }
  }

  if (request.cidfile !== undefined) claimCidfile(request.cidfile);
  const id = await createAsNonRoot(engine, prepared, imageUser, io, deps.toolVersion);
  if (request.cidfile !== undefined) {
    try {
      writeCidfile(request.cidfile, id);
    } catch (err) {
      await removeQuietly(engine, id);
      throw err;
    }
  }
  // nothing starts before this check; its round trip overlaps with attaching
  const sameImage = auditedImageId === undefined ? Promise.resolve() : checkSameImage(engine, id, auditedImageId, request);

  if (request.detach) {
    await sameImage;
    try {
      await engine.startContainer(id);
    } catch (err) {
      return startFailed(err, engine, id, request, io);
    }
    io.stdout.write(`${id}\n`);
    return 0;
  }

  // the container's output passes through as is; a read-only-filesystem error in it is noted
  const hint: ReadOnlyHintTap = readOnlyHintTap(io.stdout, io.stderr);
  let attached;
  try {
    [, attached] = await Promise.all([sameImage, engine.attachContainer(id, { stdout: hint.stdout, stderr: hint.stderr, stdin: request.interactive, tty: request.tty })]);
  } catch (err) {
    if (request.remove) await removeQuietly(engine, id);
    throw err;
  }

  const signals = deps.signals ?? process;
  const grace = deps.stopGraceMs ?? (request.stopTimeout !== undefined ? request.stopTimeout * 1000 : 10_000);
  let killTimer: NodeJS.Timeout | undefined;
  let forwarded = 0;
  const forward = (signal: NodeJS.Signals) => {
    forwarded += 1;
    // the first signal is forwarded as is; a second one, or a container that ignores it, gets SIGKILL
    const sig = forwarded === 1 ? signal : 'SIGKILL';
    engine.killContainer(id, sig).catch(() => undefined);
    if (forwarded === 1) {
      killTimer = setTimeout(() => engine.killContainer(id, 'SIGKILL').catch(() => undefined), grace);
      killTimer.unref();
    }
  };
  const onInt = () => forward('SIGINT');
  const onTerm = () => forward('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  // `bulkhead run ... | head -1`: once the reader is gone (EPIPE) the output has nowhere to go;
  // stop the container, as a local pipeline's writer would die of SIGPIPE, instead of crashing
  let outputClosed = false;
  const onOutputError = () => {
    if (outputClosed) return;
    outputClosed = true;
    engine.killContainer(id, 'SIGKILL').catch(() => undefined);
  };
  io.stdout.on('error', onOutputError);
  io.stderr.on('error', onOutputError);
  const input = request.interactive ? streamInput(io, attached.stdin, request.tty) : undefined;
  // once the container's output has ended, input that is still coming has nowhere to go: stop
  // sending it and close the connection (the engine finishes the container only after that)
  if (input) void attached.done.then(() => input.stop());
  const resize = request.tty && io.stdout.isTTY === true ? () => resizeToTerminal(engine, id, io.stdout) : undefined;
  if (resize) signals.on('SIGWINCH', resize);
  let removed = false;
  try {
    // --rm: the engine removes the container (AutoRemove) and this wait, asked before start
    // like `docker run --rm` does, reports the exit code once it is gone
    const removal = request.remove ? engine.waitContainer(id, 'removed') : undefined;
    removal?.catch(() => undefined);
    try {
      await engine.startContainer(id);
    } catch (err) {
      return await startFailed(err, engine, id, request, io);
    }
    resize?.();
    const result = removal ? await removal.catch((err: unknown) => lostExitCode(err, id)) : await engine.waitContainer(id, 'not-running');
    removed = removal !== undefined;
    // let the last output drain, but never hang on a stream the engine keeps open
    await Promise.race([attached.done, new Promise((r) => setTimeout(r, 2000).unref())]);
    if (result.Error?.Message) io.stderr.write(`bulkhead: ${result.Error.Message}\n`);
    const advice = result.StatusCode !== 0 ? hint.advice(prepared.plan.tmpfs.map((t) => t.path)) : undefined;
    if (advice) io.stderr.write(`bulkhead: ${advice}\n`);
    return result.StatusCode;
  } finally {
    input?.stop();
    if (resize) signals.off('SIGWINCH', resize);
    signals.off('SIGINT', onInt);
    signals.off('SIGTERM', onTerm);
    // after an EPIPE, late writes of the draining attach stream fail too: keep swallowing them
    if (!outputClosed) {
      io.stdout.off('error', onOutputError);
      io.stderr.off('error', onOutputError);
    }
    if (killTimer) clearTimeout(killTimer);
    if (request.remove && !removed) await removeQuietly(engine, id);
  }
}

/**
 * -i: our stdin into the container's; its end closes the container's stdin (StdinOnce). With -t on
 * a terminal, raw mode: keys (Ctrl-C included) go to the container as typed, like docker run -it.
 */
function streamInput(io: RunIo, containerStdin: NodeJS.WritableStream | undefined, tty: boolean): { stop(): void } {
  const stdin = io.stdin;
  if (!stdin || !containerStdin) return { stop: () => undefined };
  const raw = tty && stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (raw) stdin.setRawMode?.(true);
  // a container that exits first closes the connection under a pending write: not our error
  containerStdin.on('error', () => undefined);
  stdin.pipe(containerStdin);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      stdin.unpipe(containerStdin);
      if (raw) stdin.setRawMode?.(false);
      // stop reading, so an open terminal or pipe does not keep bulkhead running after the container
      stdin.pause();
      (containerStdin as NodeJS.WritableStream & { destroy?: () => void }).destroy?.();
    },
  };
}

/** The container's TTY takes the size of ours (after start, and on every SIGWINCH). */
function resizeToTerminal(engine: EngineClient, id: string, stdout: RunIo['stdout']): void {
  if (!stdout.rows || !stdout.columns) return;
  engine.resizeContainer(id, { rows: stdout.rows, columns: stdout.columns }).catch(() => undefined);
}

/** The removal wait can only fail this way if the engine removed the container before it was registered. */
function lostExitCode(err: unknown, id: string): never {
  if (err instanceof DockerApiError && err.statusCode === 404) {
    throw new BulkheadError('engine', `container ${id.slice(0, 12)} was removed before its exit code could be read`, { cause: err });
  }
  throw err;
}

async function startFailed(err: unknown, engine: EngineClient, id: string, request: RunRequest, io: RunIo): Promise<number> {
  if (request.remove) await removeQuietly(engine, id);
  const code = err instanceof DockerApiError && err.statusCode !== undefined ? startFailureExitCode(err.message) : undefined;
  if (code === undefined) throw err;
  io.stderr.write(`bulkhead: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
  return code;
}
