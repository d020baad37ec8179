/** Shared by the image rules (not a rule: files starting with _ are skipped by the registry test). */
import type { Location, Severity } from '../../model.js';
import { severityRank } from '../../model.js';
import type { ImageFacts, ImageLayerFacts } from '../../image/facts.js';
import type { FilesystemScan } from '../../image/fs-scan.js';

/** Where a finding is: the path, and the layer (index, digest, instruction) it came from. */
export function layerLocation(layer: ImageLayerFacts, path?: string): Location {
  const loc: Location = { layer: { index: layer.index, digest: layer.digest } };
  if (layer.createdBy !== undefined) loc.layer!.createdBy = layer.createdBy;
  if (path !== undefined) loc.path = path;
  return loc;
}

/** Each readable layer with its scan, skipping a blob listed twice (its facts are the first listing's). */
export function* scannedLayers(facts: ImageFacts): Generator<{ layer: ImageLayerFacts; scan: FilesystemScan }> {
  for (const layer of facts.layers) if (layer.scan && layer.duplicateOf === undefined) yield { layer, scan: layer.scan };
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** "sha256:0123456789ab…" for messages. */
export function shortDigest(d: string): string {
  return d.length > 19 ? `${d.slice(0, 19)}…` : d;
}
