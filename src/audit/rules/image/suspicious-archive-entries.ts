import type { FindingDraft, Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';
import { layerLocation, scannedLayers } from './_helpers.js';

export const suspiciousArchiveEntries: Rule<ImageFacts> = {
  meta: {
    id: 'IM014',
    slug: 'suspicious-archive-entries',
    target: 'image',
    severity: 'medium',
    title: 'Layer entries that try to escape the root, device files, or a layer listed twice',
    rationale:
      'Image builders never write `..` or absolute names into layers, nor links that climb above the root, nor device nodes: such entries are how a crafted image attacks the tool that unpacks it (path traversal on extraction). bulkhead never extracts or follows them, but an image that carries them was made by something other than a normal build.',
    fix: 'Rebuild the image from its Dockerfile with a standard builder, and find out who produced this archive.',
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { layer, scan } of scannedLayers(facts)) {
      for (const a of scan.anomalies) out.push({ message: `layer ${layer.index}: ${a.message}`, location: layerLocation(layer, a.path), key: `${layer.index}|${a.kind}|${a.path}` });
    }
    for (const layer of facts.layers) {
      if (layer.duplicateOf !== undefined) {
        out.push({ message: `the manifest lists the blob of layer ${layer.duplicateOf} again as layer ${layer.index}`, severity: 'low', location: layerLocation(layer), key: `${layer.index}|duplicate` });
      }
    }
    return out;
  },
};
