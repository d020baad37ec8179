import type { Rule } from '../rule.js';

// The image rule family: one import per rule file, in id order. (Facts type replaced by the family's own.)
export const imageRules: Array<Rule<never>> = [];
