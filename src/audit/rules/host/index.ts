import type { Rule } from '../rule.js';

// The host rule family: one import per rule file, in id order. (Facts type replaced by the family's own.)
export const hostRules: Array<Rule<never>> = [];
