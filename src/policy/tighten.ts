import type { Policy } from './types.js';
import { parseCpu, parseSize } from './units.js';
import { SEVERITIES } from '../audit/model.js';
import { groupSyscalls } from '../profiles/data/syscall-groups.js';

/**
 * The tighten-only rule as data: for each field, which direction is "tighter". A child policy
 * (one with `extends`) may move any field only in that direction unless the parent lists the
 * field (or a prefix of it) in `overridable`. Documented in docs/policies.md.
 */
export type Tightening =
  | { kind: 'lower'; of: 'number' | 'size' | 'cpu' }
  | { kind: 'true-is-tighter' }
  | { kind: 'false-is-tighter' }
  /** values listed tightest first */
  | { kind: 'order'; order: readonly string[] }
  /** a set: the child may only drop members */
  | { kind: 'subset' }
  /** a set: the child may only add members */
  | { kind: 'superset' }
  | { kind: 'custom'; name: 'tmpfs' | 'seccompSyscalls' | 'ulimits' | 'publishHostIp' | 'setuidAllowlist' | 'secretAllowlist' | 'retryCount' | 'authzExemptions' };

export const TIGHTENING: Readonly<Record<string, Tightening>> = {
  'securityContext.runAsNonRoot': { kind: 'true-is-tighter' },
  'securityContext.readOnlyRootFilesystem': { kind: 'true-is-tighter' },
  'securityContext.allowPrivilegeEscalation': { kind: 'false-is-tighter' },
  'securityContext.capabilities.add': { kind: 'subset' },
  'securityContext.capabilities.allowed': { kind: 'subset' },
  'securityContext.seccompProfile.type': { kind: 'order', order: ['Generated', 'RuntimeDefault'] },
  'securityContext.seccompProfile.allowGroups': { kind: 'subset' },
  'securityContext.seccompProfile.syscalls': { kind: 'custom', name: 'seccompSyscalls' },
  'securityContext.appArmorProfile.mode': { kind: 'order', order: ['required', 'preferred', 'disabled'] },
  'securityContext.appArmorProfile.allowRawSockets': { kind: 'false-is-tighter' },
  'resources.limits.memory': { kind: 'lower', of: 'size' },
  'resources.limits.swap': { kind: 'lower', of: 'size' },
  'resources.limits.cpu': { kind: 'lower', of: 'cpu' },
  'resources.limits.pids': { kind: 'lower', of: 'number' },
  tmpfs: { kind: 'custom', name: 'tmpfs' },
  ulimits: { kind: 'custom', name: 'ulimits' },
  'network.mode': { kind: 'order', order: ['none', 'bridge'] },
  'network.allowPublish': { kind: 'false-is-tighter' },
  'network.publishHostIp': { kind: 'custom', name: 'publishHostIp' },
  'mounts.allowReadWrite': { kind: 'false-is-tighter' },
  'mounts.deniedHostPaths': { kind: 'superset' },
  'restartPolicy.name': { kind: 'order', order: ['no', 'on-failure'] },
  'restartPolicy.maximumRetryCount': { kind: 'custom', name: 'retryCount' },
  'sandbox.mode': { kind: 'order', order: ['required', 'preferred', 'off'] },
  // one runtime today; another sandbox would need its own order
  'sandbox.runtime': { kind: 'order', order: ['gvisor'] },
  'gate.enabled': { kind: 'true-is-tighter' },
  // failing on a lower severity is stricter
  'gate.failOn': { kind: 'order', order: SEVERITIES },
  'gate.allowSkip': { kind: 'false-is-tighter' },
  'gate.setuidAllowlist': { kind: 'custom', name: 'setuidAllowlist' },
  'gate.secretAllowlist': { kind: 'custom', name: 'secretAllowlist' },
  'authz.failOn': { kind: 'order', order: SEVERITIES },
  'authz.builds': { kind: 'order', order: ['deny', 'allow'] },
  'authz.exemptions': { kind: 'custom', name: 'authzExemptions' },
};

/** Fields that carry no security meaning in either direction, so a child may set them freely. */
export const NOT_COMPARED: readonly string[] = [
  'apiVersion',
  'kind',
  'metadata',
  'requires',
  'extends',
  'overridable',
  // any non-root id is as good as another; root needs runAsNonRoot: false, which is compared
  'securityContext.runAsUser',
  'securityContext.runAsGroup',
  // always [ALL]
  'securityContext.capabilities.drop',
];

export interface Loosening {
  /** field path as shown to people, e.g. `tmpfs[0].size` */
  field: string;
  /** path segments in the child's YAML, for the line locator */
  at: Array<string | number>;
  parentValue: string;
  childValue: string;
}

export function isOverridable(field: string, overridable: readonly string[]): boolean {
  return overridable.some((o) => field === o || field.startsWith(`${o}.`));
}

function get(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const seg of path.split('.')) cur = cur === null || typeof cur !== 'object' ? undefined : (cur as Record<string, unknown>)[seg];
  return cur;
}

export function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ')}]`;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1';

/**
 * Every field where `child` is looser than `parent` and the parent does not allow it.
 * Both are resolved policies (the child already merged over the parent).
 */
export function findLoosenings(parent: Policy, child: Policy): Loosening[] {
  const out: Loosening[] = [];
  for (const [field, rule] of Object.entries(TIGHTENING)) {
    if (isOverridable(field, parent.overridable)) continue;
    const p = get(parent, field);
    const c = get(child, field);
    const at = field.split('.');
    const flag = (f = field, path: Array<string | number> = at, pv: unknown = p, cv: unknown = c): void => {
      out.push({ field: f, at: path, parentValue: show(pv), childValue: show(cv) });
    };
    switch (rule.kind) {
      case 'lower': {
        const conv = rule.of === 'size' ? parseSize : rule.of === 'cpu' ? parseCpu : Number;
        if (conv(c as string) > conv(p as string)) flag();
        break;
      }
      case 'true-is-tighter':
        if (p === true && c !== true) flag();
        break;
      case 'false-is-tighter':
        if (p === false && c !== false) flag();
        break;
      case 'order':
        if (rule.order.indexOf(c as string) > rule.order.indexOf(p as string)) flag();
        break;
      case 'subset': {
        const extra = (c as string[]).filter((x) => !(p as string[]).includes(x));
        if (extra.length) flag();
        break;
      }
      case 'superset': {
        const missing = (p as string[]).filter((x) => !(c as string[]).includes(x));
        if (missing.length) flag();
        break;
      }
      case 'custom':
        customChecks[rule.name](parent, child, flag);
        break;
    }
  }
  return out;
}

type Flag = (field?: string, at?: Array<string | number>, parentValue?: unknown, childValue?: unknown) => void;

const customChecks: Record<Extract<Tightening, { kind: 'custom' }>['name'], (parent: Policy, child: Policy, flag: Flag) => void> = {
  // a tmpfs is writable space: a new path loosens; an existing one may only shrink or gain noexec
  tmpfs(parent, child, flag) {
    child.tmpfs.forEach((t, i) => {
      const p = parent.tmpfs.find((x) => x.path === t.path);
      if (!p) return flag(`tmpfs[${i}].path`, ['tmpfs', i, 'path'], parent.tmpfs.map((x) => x.path), t.path);
      if (parseSize(t.size) > parseSize(p.size)) flag(`tmpfs[${i}].size`, ['tmpfs', i, 'size'], p.size, t.size);
      if (p.noexec !== false && t.noexec === false) flag(`tmpfs[${i}].noexec`, ['tmpfs', i, 'noexec'], true, false);
    });
  },
  // a learned allowlist may only name syscalls the parent allows (its own list, else its groups)
  seccompSyscalls(parent, child, flag) {
    const p = parent.securityContext.seccompProfile;
    const c = child.securityContext.seccompProfile.syscalls;
    const at = ['securityContext', 'seccompProfile', 'syscalls'];
    if (c === undefined) {
      if (p.syscalls !== undefined) flag(at.join('.'), at, `${p.syscalls.length} syscalls`, 'every syscall of the groups');
      return;
    }
    const parentAllows = new Set(p.syscalls ?? groupSyscalls(p.allowGroups));
    const extra = c.filter((name) => !parentAllows.has(name));
    if (extra.length) flag(at.join('.'), at, p.syscalls === undefined ? `the groups ${show(['base', ...p.allowGroups])}` : `${p.syscalls.length} syscalls`, extra);
  },
  // every limit the parent sets must stay, at most as high
  ulimits(parent, child, flag) {
    const pair = (v: number | { soft: number; hard: number }) => (typeof v === 'number' ? { soft: v, hard: v } : v);
    for (const [name, pv] of Object.entries(parent.ulimits)) {
      const cv = child.ulimits[name];
      if (cv === undefined) {
        flag(`ulimits.${name}`, ['ulimits', name], pv, 'unset');
        continue;
      }
      const p = pair(pv);
      const c = pair(cv);
      if (c.soft > p.soft || c.hard > p.hard) flag(`ulimits.${name}`, ['ulimits', name], pv, cv);
    }
  },
  // loopback is the tightest; any other change of address loosens
  publishHostIp(parent, child, flag) {
    const p = parent.network.publishHostIp;
    const c = child.network.publishHostIp;
    if (c !== p && !isLoopback(c)) flag();
  },
  // the child may only accept what the parent accepts; an entry without sha256 accepts any content
  setuidAllowlist(parent, child, flag) {
    child.gate.setuidAllowlist.forEach((e, i) => {
      const covered = parent.gate.setuidAllowlist.some((p) => p.path === e.path && (p.sha256 === undefined || p.sha256 === e.sha256));
      if (!covered) flag(`gate.setuidAllowlist[${i}]`, ['gate', 'setuidAllowlist', i], parent.gate.setuidAllowlist, e);
    });
  },
  // the same for secret files: every entry has a sha256, so only an entry the parent has
  secretAllowlist(parent, child, flag) {
    child.gate.secretAllowlist.forEach((e, i) => {
      if (!parent.gate.secretAllowlist.some((p) => p.path === e.path && p.sha256 === e.sha256)) flag(`gate.secretAllowlist[${i}]`, ['gate', 'secretAllowlist', i], parent.gate.secretAllowlist, e);
    });
  },
  // an exemption is a loosening unless the parent has the very same one
  authzExemptions(parent, child, flag) {
    child.authz.exemptions.forEach((e, i) => {
      if (!parent.authz.exemptions.some((p) => JSON.stringify(p) === JSON.stringify(e))) flag(`authz.exemptions[${i}]`, ['authz', 'exemptions', i], parent.authz.exemptions, e);
    });
  },
  // fewer restarts is tighter; a child that stops restarting ("no") has no count to compare
  retryCount(parent, child, flag) {
    if (child.restartPolicy.name === 'no' || parent.restartPolicy.name === 'no') return;
    if (child.restartPolicy.maximumRetryCount > parent.restartPolicy.maximumRetryCount) flag();
  },
};
