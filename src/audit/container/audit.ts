import type { ContainerInspect, EngineClient } from '../../engine/client.js';
import { DockerApiError } from '../../engine/client.js';
import { uidOfNamedUser } from '../../engine/container-user.js';
import { namedUser } from '../../users.js';
import { BulkheadError, describeError } from '../../errors.js';
import type { TargetResult } from '../model.js';
import { containerRules } from '../rules/container/index.js';
import { checkedRuleIds } from '../rules/rule.js';
import { runRules } from './run-rules.js';
import { TOP_PS_ARGS, containerFactsFromInspect, engineConfinement, processesFromTop } from './normalize.js';
import type { EngineConfinement } from './facts.js';
import { scanContainerFiles, type FsMode } from './files.js';
import { mapLimit } from './map-limit.js';
import { hostProcessTable } from './host-processes.js';

export interface ContainerAuditOptions {
  /** containers to audit by id or name; empty = every running container (or every one with `all`) */
  refs: string[];
  all?: boolean;
  fs: FsMode;
  /** appended to target names when auditing several hosts, e.g. " @ unix:///var/run/docker.sock" */
  nameSuffix?: string;
  /** the host's confinement, when the caller already read GET /info */
  engine?: EngineConfinement;
  /**
   * where running containers' processes come from: 'auto' (default) reads this host's /proc when it
   * is the engine's host (src/audit/container/host-processes.ts), else GET /containers/{id}/top;
   * 'engine' always asks the engine
   */
  processes?: 'auto' | 'engine';
}

/** Inspects run this many at a time: ~1 ms each locally, and a remote engine should not be flooded. */
const INSPECT_CONCURRENCY = 16;

function disappeared(err: unknown): boolean {
  return err instanceof DockerApiError && err.statusCode === 404;
}

/**
 * Audits containers of one engine: one target per container, in the order asked (or the
 * engine's list order). A container that cannot be read is an error on its target; the others
 * are still audited. Only an engine that cannot be reached at all throws.
 */
export async function auditContainers(engine: EngineClient, options: ContainerAuditOptions): Promise<TargetResult[]> {
  const suffix = options.nameSuffix ?? '';
  const hostProcesses = options.processes === 'engine' ? undefined : hostProcessTable();
  const [confinement, refs] = await Promise.all([
    options.engine ?? engine.info().then(engineConfinement),
    options.refs.length > 0
      ? Promise.resolve(options.refs)
      : engine.listContainers({ all: options.all ?? false }).then((list) => list.map((c) => c.Id)),
  ]);
  const listed = options.refs.length === 0;

  return mapLimit(refs, INSPECT_CONCURRENCY, async (ref): Promise<TargetResult> => {
    let inspect: ContainerInspect;
    try {
      inspect = await engine.inspectContainer(ref);
    } catch (err) {
      if (err instanceof DockerApiError && err.kind === 'engine-unreachable') throw err;
      const message = disappeared(err)
        ? listed
          ? `container ${ref.slice(0, 12)} disappeared during the audit (removed after it was listed)`
          : `no such container: ${ref}`
        : describeError(err);
      return { kind: 'container', name: `${listed ? ref.slice(0, 12) : ref}${suffix}`, findings: [], errors: [{ message }] };
    }
    const facts = containerFactsFromInspect(inspect, confinement);
    const userName = namedUser(facts.user);
    if (userName !== undefined && userName !== 'root') {
      // the runtime resolved the name in the container's own /etc/passwd: so do we
      try {
        const uid = await uidOfNamedUser(engine, facts.id, userName);
        if (uid !== undefined) facts.userUid = uid;
      } catch (err) {
        if (err instanceof DockerApiError && err.kind === 'engine-unreachable') throw err;
        // unreadable: judged by its name alone, as before
      }
    }
    let topProblem: string | undefined;
    const local = facts.running ? hostProcesses?.of({ id: facts.id, pid: inspect.State?.Pid ?? 0, runtime: facts.runtime }) : undefined;
    if (local) facts.processes = local;
    else if (facts.running) {
      try {
        facts.processes = processesFromTop(await engine.topContainer(facts.id, TOP_PS_ARGS));
        if (!facts.processes.known) topProblem = `processes not checked: ${facts.processes.reason}`;
      } catch (err) {
        if (err instanceof DockerApiError && err.kind === 'engine-unreachable') throw err;
        facts.processes = { known: false, reason: `processes not listed: ${describeError(err)}` };
        // stopped or removed since the inspect: nothing left to check, not a read problem
        if (!(err instanceof DockerApiError && (err.statusCode === 404 || err.statusCode === 409))) topProblem = `processes not checked: ${describeError(err)}`;
      }
    }
    const target: TargetResult = {
      kind: 'container',
      name: `${facts.name}${suffix}`,
      findings: [],
      errors: [],
      properties: { id: facts.id.slice(0, 12), image: facts.image, status: inspect.State?.Status ?? 'unknown' },
    };
    if (topProblem) target.errors.push({ message: topProblem });
    if (options.fs !== 'none') {
      try {
        const scan = await scanContainerFiles(engine, facts, options.fs);
        facts.files = scan.files;
        for (const e of scan.errors) target.errors.push({ message: e.message, ...(e.path ? { location: { path: e.path } } : {}) });
      } catch (err) {
        if (err instanceof DockerApiError && err.kind === 'engine-unreachable') throw err;
        target.errors.push({
          message: disappeared(err) ? `container disappeared while its files were read (--fs ${options.fs})` : `files not scanned (--fs ${options.fs}): ${describeError(err)}`,
        });
      }
    }
    try {
      target.findings = runRules(containerRules, facts, { kind: 'container', name: target.name });
      target.evaluated = checkedRuleIds(containerRules, facts);
    } catch (err) {
      throw new BulkheadError('internal', `container rules failed on ${facts.name}: ${describeError(err)}`, { cause: err });
    }
    return target;
  });
}
