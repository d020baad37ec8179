import type { FindingDraft, Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';
import { layerLocation } from './_helpers.js';

export const unreadableLayer: Rule<ImageFacts> = {
  meta: {
    id: 'IM013',
    slug: 'unreadable-layer',
    target: 'image',
    severity: 'high',
    title: 'Layer could not be read completely (unsupported compression, truncated, corrupt or missing)',
    rationale:
      'What the audit cannot read it cannot vouch for: a layer in an unsupported compression, cut short, corrupt, or listed by the manifest but absent may hold anything. Treating it as clean would let an image pass the gate by being malformed.',
    fix: 'Re-export the image (`docker save`) or re-push it with gzip or zstd layers; if the archive was truncated in transit, fetch it again.',
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const layer of facts.layers) {
      if (layer.duplicateOf !== undefined) continue;
      if (layer.error) out.push({ message: `layer ${layer.index}: ${layer.error}`, location: layerLocation(layer), key: `${layer.index}|missing` });
      if (layer.scan?.unsupported) out.push({ message: `layer ${layer.index}: ${layer.scan.unsupported}`, severity: 'medium', location: layerLocation(layer), key: `${layer.index}|unsupported` });
      for (const e of layer.scan?.errors ?? []) {
        out.push({ message: `layer ${layer.index}: ${e.message}${e.path ? ` (at ${e.path})` : ''}`, location: layerLocation(layer, e.path), key: `${layer.index}|error` });
      }
    }
    return out;
  },
};
