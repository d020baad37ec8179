/**
 * The policy's gate allowlists, applied to an image's findings after the rules ran: setuid
 * files and file secrets someone reviewed, accepted by path and by the sha256 of the file's
 * content. A listed path whose content changed is reported again, saying so, and counts for
 * the gate as any finding does. Applied after the rules (not inside them) so one audit of an
 * image serves every policy: the gate caches findings by image id, and each policy's
 * allowlists and threshold are applied to the cached findings.
 */
import type { Finding } from '../model.js';
import type { ImageFacts } from './facts.js';

export interface GateAllowlists {
  /** setuid/setgid files; an entry without sha256 accepts any content at that path */
  setuidAllowlist: ReadonlyArray<{ path: string; sha256?: string }>;
  /** files whose secret findings were reviewed (test fixtures a package ships): path and sha256, always both */
  secretAllowlist: ReadonlyArray<{ path: string; sha256: string }>;
}

export const NO_ALLOWLISTS: GateAllowlists = { setuidAllowlist: [], secretAllowlist: [] };

/** Which findings each allowlist can accept: the rules whose finding is about one file's content. */
export const ALLOWLISTED_RULES: Readonly<Record<keyof GateAllowlists, readonly string[]>> = {
  setuidAllowlist: ['IM001'],
  // a secret in a file of the image, and one a later layer deleted (the bytes are in the layer)
  secretAllowlist: ['IM003', 'IM004'],
};

/** The sha256 of each file a finding can be about, by `layer|path` (the same path differs per layer). */
export type ContentHashes = Record<string, string>;

const hashKey = (layer: number, path: string): string => `${layer}|${path}`;

export function contentHashes(facts: ImageFacts): ContentHashes {
  const out: ContentHashes = {};
  for (const layer of facts.layers) {
    const scan = layer.scan;
    if (!scan || layer.duplicateOf !== undefined) continue;
    for (const f of scan.specialFiles) if (f.sha256 !== undefined) out[hashKey(layer.index, f.path)] = f.sha256;
    for (const s of scan.secrets) if (s.fileSha256 !== undefined) out[hashKey(layer.index, s.path)] = s.fileSha256;
  }
  return out;
}

const short = (sha: string): string => `${sha.slice(0, 12)}…`;

/**
 * The findings the allowlists do not accept. A finding at a listed path stays when its file's
 * sha256 differs from the entry's, or is unknown (a file cut short), with that in its message.
 */
export function applyAllowlists(findings: readonly Finding[], hashes: ContentHashes, lists: GateAllowlists): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const field = (Object.keys(ALLOWLISTED_RULES) as Array<keyof GateAllowlists>).find((k) => ALLOWLISTED_RULES[k].includes(f.ruleId));
    const path = f.location?.path;
    const entries: ReadonlyArray<{ path: string; sha256?: string }> = field ? lists[field] : [];
    const listed = path === undefined ? [] : entries.filter((e) => e.path === path);
    if (listed.length === 0) {
      out.push(f);
      continue;
    }
    const layer = f.location?.layer?.index;
    const actual = layer === undefined ? undefined : hashes[hashKey(layer, path!)];
    if (listed.some((e) => e.sha256 === undefined || (actual !== undefined && e.sha256.toLowerCase() === actual))) continue;
    const expected = listed.map((e) => short(e.sha256!)).join(', ');
    const why = actual === undefined ? `its content could not be hashed (the allowlist has sha256 ${expected})` : `its content changed (sha256 ${short(actual)}, the allowlist has ${expected})`;
    out.push({ ...f, message: `${f.message}; allowlisted by path in gate.${field}, but ${why}` });
  }
  return out;
}
