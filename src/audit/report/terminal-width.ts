/** Kept apart from the table formatter so the CLI can ask for the width without loading `table`. */

/** What a report is laid out for when the terminal's width is not known (a pipe, a file, CI). */
export const DEFAULT_TABLE_WIDTH = 80;
/**
 * The width to lay the table out for: $COLUMNS when set (the user's word), else the terminal's
 * columns when stdout is one, else 80.
 */
export function terminalWidth(stdout: { isTTY?: boolean; columns?: number }, env: Record<string, string | undefined>): number {
  const fromEnv = Number(env.COLUMNS);
  if (env.COLUMNS && Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (stdout.isTTY && typeof stdout.columns === 'number' && stdout.columns > 0) return stdout.columns;
  return DEFAULT_TABLE_WIDTH;
}
