import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BulkheadError } from '../../errors.js';
import { SEVERITIES, type Report, type Severity } from '../model.js';
import { countBySeverity } from './build.js';
import { formatJson } from './formatters/json.js';
import { SEVERITY_COLORS, escapeHtml, htmlPage, renderHtmlReport } from './formatters/html.js';

/**
 * --report-dir DIR: every run is kept as bulkhead-<UTC timestamp>.json and .html (names sort
 * by time), and index.html is rebuilt from the JSON files with the trend across runs. The
 * JSON files are the record; the index can always be rebuilt from them.
 */

const RUN_FILE = /^bulkhead-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(?:-\d+)?Z?)\.json$/;

export interface RunSummary {
  file: string;
  html: string;
  createdAt: string;
  command: string;
  counts: Record<Severity, number>;
  targets: number;
  errors: number;
  new?: number;
  fixed?: number;
}

function runFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => RUN_FILE.test(f))
    .sort();
}

/** The most recent run's JSON in DIR, to compare the next run with. */
export function baselineFromReportDir(dir: string): string | undefined {
  const files = runFiles(dir);
  const last = files.at(-1);
  return last === undefined ? undefined : join(dir, last);
}

function stampOf(createdAt: string): string {
  return createdAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

export function summariseRun(file: string, report: Report): RunSummary {
  const all = report.targets.flatMap((t) => t.findings);
  const summary: RunSummary = {
    file,
    html: file.replace(/\.json$/, '.html'),
    createdAt: report.createdAt,
    command: report.command,
    counts: countBySeverity(all),
    targets: report.targets.length,
    errors: report.targets.reduce((n, t) => n + t.errors.length, 0),
  };
  if (all.some((f) => f.baseline !== undefined) || report.targets.some((t) => t.fixed !== undefined)) {
    summary.new = all.filter((f) => f.baseline === 'new').length;
    summary.fixed = report.targets.reduce((n, t) => n + (t.fixed?.length ?? 0), 0);
  }
  return summary;
}

function trendChart(runs: readonly RunSummary[]): string {
  const shown = runs.slice(-60);
  if (shown.length === 0) return '';
  const order = [...SEVERITIES].reverse();
  const totals = shown.map((r) => order.reduce((n, s) => n + r.counts[s], 0));
  const max = Math.max(1, ...totals);
  const h = 220;
  const plotH = 170;
  const barW = Math.max(8, Math.min(40, Math.floor(800 / shown.length) - 4));
  // wide enough for the bars and for the legend below them
  const w = Math.max(50 + shown.length * (barW + 4) + 20, 50 + order.length * 80 + 20);
  const parts: string[] = [`<line x1="44" y1="${10 + plotH}" x2="${w - 10}" y2="${10 + plotH}" stroke="#9ca3af"/>`, `<text x="40" y="18" text-anchor="end" font-size="11">${max}</text>`, `<text x="40" y="${10 + plotH}" text-anchor="end" font-size="11">0</text>`];
  shown.forEach((r, i) => {
    const x = 50 + i * (barW + 4);
    let y = 10 + plotH;
    for (const s of order) {
      const n = r.counts[s];
      if (!n) continue;
      const bh = (n / max) * plotH;
      y -= bh;
      parts.push(`<rect class="run-bar" x="${x}" y="${y.toFixed(1)}" width="${barW}" height="${bh.toFixed(1)}" fill="${SEVERITY_COLORS[s]}"><title>${escapeHtml(`${r.createdAt}: ${n} ${s}`)}</title></rect>`);
    }
    if (shown.length <= 20 || i % Math.ceil(shown.length / 10) === 0) {
      parts.push(`<text x="${x + barW / 2}" y="${h - 24}" text-anchor="middle" font-size="10" fill="#374151">${escapeHtml(r.createdAt.slice(5, 10))}</text>`);
    }
  });
  let lx = 50;
  for (const s of order) {
    parts.push(`<rect x="${lx}" y="${h - 12}" width="10" height="10" fill="${SEVERITY_COLORS[s]}"/><text x="${lx + 14}" y="${h - 3}" font-size="11">${s}</text>`);
    lx += 80;
  }
  return `<svg id="trend" role="img" aria-label="findings per run by severity" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${parts.join('')}</svg>`;
}

export function renderIndex(runs: readonly RunSummary[], skipped: readonly string[]): string {
  const order = [...SEVERITIES].reverse();
  const rows = [...runs]
    .reverse()
    .map(
      (r) =>
        `<tr class="run"><td><a href="${escapeHtml(encodeURIComponent(r.html))}">${escapeHtml(r.createdAt)}</a></td><td>${escapeHtml(r.command)}</td>${order.map((s) => `<td>${r.counts[s] || ''}</td>`).join('')}<td>${r.new ?? ''}</td><td>${r.fixed ?? ''}</td><td>${r.errors || ''}</td><td><a href="${escapeHtml(encodeURIComponent(r.file))}">json</a></td></tr>`,
    )
    .join('\n');
  const body = `<h1>bulkhead audit history</h1>
<p class="meta">${runs.length} run(s)${runs.length ? `, latest ${escapeHtml(runs.at(-1)!.createdAt)}` : ''}</p>
${trendChart(runs)}
<table id="runs"><thead><tr><th>run</th><th>command</th>${order.map((s) => `<th>${s}</th>`).join('')}<th>new</th><th>fixed</th><th>errors</th><th></th></tr></thead><tbody>${rows}</tbody></table>
${skipped.length ? `<p class="err">not bulkhead reports, left out: ${skipped.map(escapeHtml).join(', ')}</p>` : ''}`;
  return htmlPage('bulkhead audit history', body);
}

/** Rebuilds DIR/index.html from the run files in DIR. */
export function rebuildIndex(dir: string): string {
  const runs: RunSummary[] = [];
  const skipped: string[] = [];
  for (const f of runFiles(dir)) {
    try {
      const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Report;
      if (r.schemaVersion !== 1 || !Array.isArray(r.targets)) throw new Error('not a report');
      runs.push(summariseRun(f, r));
    } catch {
      skipped.push(f);
    }
  }
  const index = join(dir, 'index.html');
  writeFileSync(index, renderIndex(runs, skipped));
  return index;
}

/** Writes this run's JSON and HTML into DIR and refreshes index.html. */
export function keepRunInReportDir(dir: string, report: Report): { json: string; html: string; index: string } {
  try {
    mkdirSync(dir, { recursive: true });
    let base = `bulkhead-${stampOf(report.createdAt)}`;
    for (let i = 1; existsSync(join(dir, `${base}.json`)); i++) base = `bulkhead-${stampOf(report.createdAt).replace(/Z$/, '')}-${i}Z`;
    const json = join(dir, `${base}.json`);
    const html = join(dir, `${base}.html`);
    writeFileSync(json, formatJson(report, { color: false }));
    writeFileSync(html, renderHtmlReport(report));
    return { json, html, index: rebuildIndex(dir) };
  } catch (err) {
    if (err instanceof BulkheadError) throw err;
    throw new BulkheadError('usage', `--report-dir ${dir}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
