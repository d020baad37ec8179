import type { Rule } from '../rule.js';

// The container rule family: one import per rule file, in id order. (Facts type replaced by the family's own.)
export const containerRules: Array<Rule<never>> = [];
