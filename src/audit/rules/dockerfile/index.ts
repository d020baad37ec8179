import type { Rule } from '../rule.js';

// The dockerfile rule family: one import per rule file, in id order. (Facts type replaced by the family's own.)
export const dockerfileRules: Array<Rule<never>> = [];
