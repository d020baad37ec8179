import type { Report } from '../../model.js';

export interface FormatOptions {
  /** colour only on a TTY */
  color: boolean;
  /** columns to fit (the table formatter); 80 when not given */
  width?: number;
}

export type Formatter = (report: Report, options: FormatOptions) => string;

/**
 * Formatter names users pass to --format. Each loads lazily so one format's dependencies
 * are not paid by the others.
 */
export const FORMATTERS = {
  table: async () => (await import('./table.js')).formatTable,
  json: async () => (await import('./json.js')).formatJson,
  sarif: async () => (await import('./sarif.js')).formatSarif,
  markdown: async () => (await import('./markdown.js')).formatMarkdown,
  github: async () => (await import('./github.js')).formatGithub,
  html: async () => (await import('./html.js')).formatHtml,
  junit: async () => (await import('./junit.js')).formatJunit,
} satisfies Record<string, () => Promise<Formatter>>;

export type FormatName = keyof typeof FORMATTERS;

export function isFormatName(s: string): s is FormatName {
  return Object.hasOwn(FORMATTERS, s);
}
