/** Reads the table formatter's output back into cells, for tests. */

// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/** The cells of each table body row: [severity, rule, message, location?], continuation lines skipped. */
export function tableRows(text: string): string[][] {
  const rows: string[][] = [];
  let inBody = false;
  for (const line of stripAnsi(text).split('\n')) {
    if (line.startsWith('├')) inBody = true;
    else if (line.startsWith('└') || line.startsWith('┌')) inBody = false;
    else if (inBody && line.startsWith('│')) {
      const cells = line.split('│').slice(1, -1).map((c) => c.trim());
      if (cells[0] !== '') rows.push(cells);
    }
  }
  return rows;
}
