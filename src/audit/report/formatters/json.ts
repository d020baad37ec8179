import type { Formatter } from './index.js';

/** The versioned JSON report (schemas/report.schema.json describes it). */
export const formatJson: Formatter = (report) => `${JSON.stringify(report, null, 2)}\n`;
