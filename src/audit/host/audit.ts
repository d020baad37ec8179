import { connectEngine } from '../../engine/dockerode-client.js';
import { parseEngineUrl } from '../../engine/endpoint.js';
import type { EngineClient } from '../../engine/client.js';
import { BulkheadError, describeError } from '../../errors.js';
import type { TargetResult } from '../model.js';
import { hostRules } from '../rules/host/index.js';
import { checkedRuleIds } from '../rules/rule.js';
import { auditContainers } from '../container/audit.js';
import type { FsMode } from '../container/files.js';
import { runRules } from '../container/run-rules.js';
import { collectHostFacts, type HostFileAccess } from './collect.js';
import type { RuntimeFacts } from './facts.js';
import { binaryName, enforcesSeccomp, sandboxKind } from '../../engine/runtimes.js';

export interface HostAuditOptions extends HostFileAccess {
  /** engine URLs; empty = the discovered default engine */
  hosts: string[];
  fs: FsMode;
  /** seconds one host may take to answer before it is reported unreachable */
  timeoutSeconds?: number;
  /** for tests: how to reach an engine */
  connect?: (url?: string) => Promise<EngineClient>;
}

const REMOTE_NOTE = 'skipped: remote engine (daemon.json, socket owner/mode and /etc/group are read only for an engine on this machine)';

/** The registered runtimes on one line, e.g. `runc (default), runsc (gVisor, --oci-seccomp)`. */
export function describeRuntimes(r: RuntimeFacts): string {
  const names = Object.keys(r.registered).sort();
  if (!names.length) return 'none listed';
  return names
    .map((name) => {
      const rt = r.registered[name]!;
      const kind = sandboxKind(rt);
      const notes = [
        ...(name === r.defaultRuntime ? ['default'] : []),
        ...(kind === 'gvisor' ? [binaryName(rt) === 'runsc' ? `gVisor, ${enforcesSeccomp(rt) ? '--oci-seccomp' : 'no --oci-seccomp'}` : 'gVisor'] : kind === 'kata' ? ['Kata'] : []),
      ];
      return notes.length ? `${name} (${notes.join(', ')})` : name;
    })
    .join(', ');
}

function withTimeout<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BulkheadError('engine-unreachable', `${what}: no answer within ${seconds} s`)), seconds * 1000);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** One host: its own target, then one target per running container. Never throws for this host's problems. */
async function auditOneHost(url: string | undefined, options: HostAuditOptions, multi: boolean): Promise<{ reachable: boolean; targets: TargetResult[] }> {
  const name = url ?? 'default engine';
  const host: TargetResult = { kind: 'host', name, findings: [], errors: [] };
  let engine: EngineClient;
  try {
    const seconds = options.timeoutSeconds ?? 60;
    // the idle timeout ends requests to an engine that never answers (they would keep the process alive)
    engine = await (options.connect ?? ((u?: string) => connectEngine(u, { idleTimeoutMs: seconds * 1000 })))(url);
  } catch (err) {
    host.errors.push({ message: `--host ${name}: ${describeError(err)}` });
    return { reachable: false, targets: [host] };
  }
  host.name = engine.endpoint;
  try {
    const seconds = options.timeoutSeconds ?? 60;
    const { facts, problems } = await withTimeout(collectHostFacts(engine, url, options), seconds, `engine ${engine.endpoint}`);
    host.findings = runRules(hostRules, facts, { kind: 'host', name: host.name });
    host.evaluated = checkedRuleIds(hostRules, facts);
    host.errors.push(...problems.map((message) => ({ message })));
    const v = facts.versions;
    host.properties = {
      engine: v.engine ?? 'unknown',
      api: v.api ?? 'unknown',
      ...(v.containerd ? { containerd: v.containerd } : {}),
      ...(v.runc ? { runc: v.runc } : {}),
      ...(v.kernel ? { kernel: v.kernel } : {}),
      ...(v.os ? { os: v.os } : {}),
      rootless: facts.rootless,
      cgroup: `v${facts.confinement.cgroupVersion}`,
      hostFileChecks: facts.local ? `done (daemon.json: ${facts.daemonJson.status}, ${facts.daemonJson.path})` : REMOTE_NOTE,
      ...(facts.runtimes ? { runtimes: describeRuntimes(facts.runtimes) } : {}),
      ...(facts.images ? { images: facts.images.count } : {}),
    };
    const containers = await withTimeout(
      auditContainers(engine, { refs: [], fs: options.fs, engine: facts.confinement, ...(multi ? { nameSuffix: ` @ ${engine.endpoint}` } : {}) }),
      seconds * 5,
      `containers of ${engine.endpoint}`,
    );
    host.properties.containers = containers.length;
    return { reachable: true, targets: [host, ...containers] };
  } catch (err) {
    host.errors.push({ message: describeError(err) });
    return { reachable: host.findings.length > 0, targets: [host] };
  }
}

/**
 * Audits every host concurrently (one section each, in the order given). An unreachable host is
 * an error on its own target; only when no host answered does this throw (exit 3).
 */
export async function auditHosts(options: HostAuditOptions): Promise<TargetResult[]> {
  const urls: Array<string | undefined> = options.hosts.length ? [...new Set(options.hosts)] : [undefined];
  // a URL that cannot name an engine is a usage error for the whole command, not an unreachable host
  for (const url of urls) {
    if (url === undefined) continue;
    try {
      parseEngineUrl(url);
    } catch (err) {
      throw new BulkheadError('usage', `--host ${url}: ${describeError(err)}`);
    }
  }
  const results = await Promise.all(urls.map((u) => auditOneHost(u, options, urls.length > 1)));
  if (!results.some((r) => r.reachable)) {
    const messages = results.flatMap((r) => r.targets.flatMap((t) => t.errors.map((e) => `${t.name}: ${e.message}`)));
    throw new BulkheadError('engine-unreachable', urls.length > 1 ? `none of the ${urls.length} engines could be audited` : (messages[0] ?? 'the engine could not be audited'), {
      details: urls.length > 1 ? messages : messages.slice(1),
    });
  }
  return results.flatMap((r) => r.targets);
}
