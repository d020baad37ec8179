import { InputError, type YEntry, type YMap, type YScalar, type YSeq, type YValue } from '../yaml/located.js';

/**
 * The compose spec's merge rules ("Merge and override", compose-spec/13-merge.md), applied to
 * located trees so each merged value keeps the file:line it came from:
 * - mappings merge key by key; scalars are replaced;
 * - sequences are appended (cap_add, security_opt, dns, ...), duplicates dropped;
 * - command, entrypoint and healthcheck.test are replaced, not appended;
 * - ports, volumes, devices, secrets and configs merge by their target;
 * - environment, labels, sysctls, extra_hosts, ulimits in list form are maps first;
 * - `!reset` removes the base value, `!override` replaces it whole.
 */

const REPLACED_SEQUENCES = new Set(['services.*.command', 'services.*.entrypoint', 'services.*.healthcheck.test']);
const MAP_IN_LIST_FORM = new Set(['environment', 'labels', 'sysctls', 'extra_hosts', 'annotations']);
const BY_TARGET = new Set(['ports', 'volumes', 'devices', 'secrets', 'configs', 'tmpfs']);

function scalar(value: string | null, like: YValue): YScalar {
  return { kind: 'scalar', loc: like.loc, value };
}

/** environment: ["A=1", "B"] -> { A: "1", B: null }; extra_hosts "host:ip" / "host=ip". */
export function listToMap(v: YValue, field: string): YValue {
  if (v.kind !== 'seq') return v;
  const entries = new Map<string, YEntry>();
  for (const item of v.items) {
    if (item.kind !== 'scalar' || item.value === null) throw new InputError(item.loc, `${field} items must be strings`);
    const text = String(item.value);
    const sep = field === 'extra_hosts' ? /[=:]/.exec(text)?.index ?? -1 : text.indexOf('=');
    const key = sep < 0 ? text : text.slice(0, sep);
    entries.set(key, { key, keyLoc: item.loc, value: scalar(sep < 0 ? null : text.slice(sep + 1), item) });
  }
  return { kind: 'map', loc: v.loc, entries };
}

/** The container path a port/volume/device/secret entry is merged by. */
function targetOf(field: string, item: YValue): string {
  if (item.kind === 'map') {
    const t = item.entries.get('target')?.value ?? item.entries.get('source')?.value;
    return t && t.kind === 'scalar' ? String(t.value) : JSON.stringify([...item.entries.keys()]);
  }
  if (item.kind !== 'scalar') return JSON.stringify(item.loc);
  const text = String(item.value);
  if (field === 'ports') {
    // "[ip:][published:]target[/proto]": the target (and protocol) is the last part
    const [spec, proto = 'tcp'] = text.split('/');
    return `${spec!.slice(spec!.lastIndexOf(':') + 1)}/${proto}`;
  }
  if (field === 'tmpfs') return text.split(':')[0]!;
  if (field === 'secrets' || field === 'configs') return text;
  // volumes "src:dst[:mode]", devices "host[:container[:perm]]"
  const parts = text.split(':');
  if (field === 'devices') return parts[1] ?? parts[0]!;
  return parts.length === 1 ? parts[0]! : parts[1]!;
}

function samePath(path: string, pattern: string): boolean {
  const p = path.split('.');
  const q = pattern.split('.');
  return p.length === q.length && q.every((x, i) => x === '*' || x === p[i]);
}

function mergeSeq(base: YSeq, over: YSeq, path: string): YSeq {
  const field = path.split('.').pop()!;
  if (path.startsWith('services.') && path.split('.').length === 3 && BY_TARGET.has(field)) {
    const byTarget = new Map<string, YValue>();
    for (const i of base.items) byTarget.set(targetOf(field, i), i);
    for (const i of over.items) byTarget.set(targetOf(field, i), i);
    return { ...over, items: [...byTarget.values()] };
  }
  const seen = new Set(base.items.filter((i) => i.kind === 'scalar').map((i) => String((i as YScalar).value)));
  const added = over.items.filter((i) => i.kind !== 'scalar' || !seen.has(String(i.value)));
  return { ...over, items: [...base.items, ...added] };
}

export function mergeValues(base: YValue | undefined, over: YValue, path: string): YValue | undefined {
  if (over.tag === '!reset') return undefined;
  if (over.tag === '!override' || base === undefined) return stripTag(over);
  const field = path.split('.').pop()!;
  const isServiceField = path.startsWith('services.') && path.split('.').length === 3;
  if (isServiceField && MAP_IN_LIST_FORM.has(field)) {
    base = listToMap(base, field);
    over = listToMap(over, field);
  }
  if ([...REPLACED_SEQUENCES].some((p) => samePath(path, p))) return over;
  if (base.kind === 'map' && over.kind === 'map') return mergeMaps(base, over, path);
  if (base.kind === 'seq' && over.kind === 'seq') return mergeSeq(base, over, path);
  return over;
}

function stripTag<T extends YValue>(v: T): T {
  if (v.tag !== '!override' && v.tag !== '!reset') return v;
  const { tag: _tag, ...rest } = v;
  return rest as T;
}

export function mergeMaps(base: YMap, over: YMap, path: string): YMap {
  const entries = new Map(base.entries);
  for (const [key, e] of over.entries) {
    const merged = mergeValues(entries.get(key)?.value, e.value, path ? `${path}.${key}` : key);
    if (merged === undefined) entries.delete(key);
    // a merged mapping (a service) stays where it was first written; a replaced value is where it was replaced
    else entries.set(key, { key, keyLoc: merged.kind === 'map' && base.entries.get(key)?.value.kind === 'map' ? base.entries.get(key)!.keyLoc : e.keyLoc, value: merged });
  }
  // the mapping is where it was first written (a service's line in the base file)
  return { ...over, loc: base.loc, entries };
}
