import type { RuleMeta } from '../model.js';
import { dockerfileRules } from './dockerfile/index.js';
import { imageRules } from './image/index.js';
import { containerRules } from './container/index.js';
import { hostRules } from './host/index.js';
import { kubernetesRules } from './kubernetes/index.js';

/** Every rule's metadata, all families, in id order: the source for docs, SARIF and `bulkhead rules`. */
export const ALL_RULES: readonly RuleMeta[] = [...dockerfileRules, ...imageRules, ...containerRules, ...hostRules, ...kubernetesRules]
  .map((r) => r.meta)
  .sort((a, b) => a.id.localeCompare(b.id));

export function findRule(id: string): RuleMeta | undefined {
  const wanted = id.toUpperCase();
  return ALL_RULES.find((r) => r.id === wanted || r.slug === id);
}
