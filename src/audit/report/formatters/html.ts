import { createHash } from 'node:crypto';
import type { Formatter } from './index.js';
import { SEVERITIES, type Finding, type Report, type RuleMeta, type Severity, type TargetResult } from '../../model.js';
import { countBySeverity } from '../build.js';

/**
 * One self-contained HTML page: no external assets (works offline, can be mailed or archived),
 * inline SVG chart, inline CSS and a small inline script for the severity filter. Every piece
 * of report text goes through escapeHtml; a Content-Security-Policy that only allows the
 * page's own script (by hash) backs that up, so a finding message can never run code.
 */

const ORDER: readonly Severity[] = [...SEVERITIES].reverse();

export const SEVERITY_COLORS: Record<Severity, string> = {
  critical: '#7f1d1d',
  high: '#dc2626',
  medium: '#d97706',
  low: '#2563eb',
  info: '#6b7280',
};

export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#f9fafb}
body{margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:1.5rem;margin:0 0 4px}h2{font-size:1.15rem;margin:28px 0 8px}
.meta{color:#6b7280;font-size:.9rem}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{border:2px solid transparent;border-radius:8px;padding:10px 16px;background:#fff;box-shadow:0 1px 2px #0001;cursor:pointer;min-width:96px;text-align:left;font:inherit}
.card .n{font-size:1.6rem;font-weight:700;display:block}
.card[aria-pressed="false"]{opacity:.35}
.card.static{cursor:default}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0001}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top;font-size:.9rem}
th{background:#f3f4f6}
.sev{display:inline-block;border-radius:4px;color:#fff;padding:1px 6px;font-size:.75rem;font-weight:600;text-transform:uppercase}
.tag{display:inline-block;border-radius:4px;padding:0 5px;font-size:.75rem;border:1px solid currentColor}
.tag.new{color:#b91c1c}.tag.unchanged{color:#6b7280}.tag.fixed{color:#15803d}
.err{color:#b91c1c}
details summary{cursor:pointer;color:#374151}
td>a>code{white-space:nowrap}
code,.ev{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8rem;word-break:break-all}
dl.props{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-size:.85rem;margin:4px 0 10px}
dl.props dt{color:#6b7280}dl.props dd{margin:0}
tr.fixed td{color:#6b7280;text-decoration:line-through}
.none{color:#15803d}
`;

/** Drops the rows the filter hides and keeps each target's shown-count current. */
const SCRIPT = `
(function(){
  var active={};
  var cards=document.querySelectorAll('button[data-filter-severity]');
  cards.forEach(function(b){active[b.getAttribute('data-filter-severity')]=true;});
  var onlyNew=document.getElementById('only-new');
  function apply(){
    document.querySelectorAll('tr[data-severity]').forEach(function(r){
      var ok=active[r.getAttribute('data-severity')];
      if(onlyNew&&onlyNew.checked&&r.getAttribute('data-baseline')!=='new')ok=false;
      r.hidden=!ok;
    });
    document.querySelectorAll('section[data-target]').forEach(function(s){
      var n=s.querySelectorAll('tr[data-severity]:not([hidden])').length;
      var out=s.querySelector('.shown');if(out)out.textContent=String(n);
    });
  }
  cards.forEach(function(b){b.addEventListener('click',function(){
    var s=b.getAttribute('data-filter-severity');active[s]=!active[s];
    b.setAttribute('aria-pressed',active[s]?'true':'false');apply();
  });});
  if(onlyNew)onlyNew.addEventListener('change',apply);
  apply();
})();
`;

export function scriptHash(script: string): string {
  return `sha256-${createHash('sha256').update(script).digest('base64')}`;
}

/** The page frame shared by the report and the report-dir index. */
export function htmlPage(title: string, body: string, script?: string): string {
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${script ? `'${scriptHash(script)}'` : "'none'"}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body>
${body}
${script ? `<script>${script}</script>` : ''}
</body></html>
`;
}

export function severityBadge(s: Severity): string {
  return `<span class="sev" style="background:${SEVERITY_COLORS[s]}">${escapeHtml(s)}</span>`;
}

function where(f: Finding): string {
  const l = f.location;
  if (!l) return '';
  let s = l.path ?? '';
  if (l.line !== undefined) s += `:${l.line}`;
  if (l.layer) s += ` (layer ${l.layer.index})`;
  if (l.stage) s += ` [stage ${l.stage}]`;
  return s;
}

/** Horizontal stacked bars: one per target (most findings first), segments by severity. */
function chart(targets: readonly TargetResult[]): string {
  const rows = targets
    .map((t) => ({ name: `${t.kind} ${t.name}`, counts: countBySeverity(t.findings), total: t.findings.length }))
    .filter((r) => r.total > 0)
    .sort((a, b) => b.total - a.total)
    .slice(0, 25);
  if (rows.length === 0) return '';
  const max = Math.max(...rows.map((r) => r.total));
  const labelW = 300;
  const barW = 560;
  const rowH = 22;
  const h = rows.length * rowH + 30;
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = i * rowH + 4;
    const label = r.name.length > 44 ? `${r.name.slice(0, 43)}…` : r.name;
    parts.push(`<text x="${labelW - 6}" y="${y + 14}" text-anchor="end" font-size="12" fill="#374151">${escapeHtml(label)}<title>${escapeHtml(r.name)}</title></text>`);
    let x = labelW;
    for (const s of ORDER) {
      const n = r.counts[s];
      if (!n) continue;
      const w = Math.max(2, (n / max) * barW);
      parts.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${SEVERITY_COLORS[s]}"><title>${escapeHtml(`${n} ${s}`)}</title></rect>`);
      x += w;
    }
    parts.push(`<text x="${(x + 4).toFixed(1)}" y="${y + 14}" font-size="12" fill="#111827">${r.total}</text>`);
  });
  let lx = labelW;
  for (const s of ORDER) {
    parts.push(`<rect x="${lx}" y="${h - 18}" width="10" height="10" fill="${SEVERITY_COLORS[s]}"/><text x="${lx + 14}" y="${h - 9}" font-size="11" fill="#374151">${s}</text>`);
    lx += 80;
  }
  return `<svg id="chart" role="img" aria-label="findings per target by severity" xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 60}" height="${h}" viewBox="0 0 ${labelW + barW + 60} ${h}">${parts.join('')}</svg>`;
}

function findingRow(f: Finding, rule: RuleMeta | undefined): string {
  const fix = rule ? `<details><summary>fix</summary>${escapeHtml(rule.fix)}</details>` : '';
  const base = f.baseline ? ` <span class="tag ${f.baseline}">${escapeHtml(f.baseline)}</span>` : '';
  return `<tr class="finding" data-severity="${escapeHtml(f.severity)}" data-baseline="${escapeHtml(f.baseline ?? '')}">
<td>${severityBadge(f.severity)}${base}</td>
<td><a href="#rule-${escapeHtml(f.ruleId)}"><code>${escapeHtml(f.ruleId)}</code></a></td>
<td><span class="msg">${escapeHtml(f.message)}</span>${f.evidence ? `<div class="ev">${escapeHtml(f.evidence)}</div>` : ''}${fix}</td>
<td><code>${escapeHtml(where(f))}</code></td></tr>`;
}

function targetSection(t: TargetResult, index: number, rules: Map<string, RuleMeta>): string {
  const props = t.properties && Object.keys(t.properties).length
    ? `<dl class="props">${Object.entries(t.properties).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`
    : '';
  const errors = t.errors.map((e) => `<p class="err">error: ${escapeHtml(e.location?.path ? `${e.location.path}: ` : '')}${escapeHtml(e.message)}</p>`).join('');
  const fixed = (t.fixed ?? []).map(
    (f) => `<tr class="fixed"><td>${severityBadge(f.severity)} <span class="tag fixed">fixed</span></td><td><code>${escapeHtml(f.ruleId)}</code></td><td>${escapeHtml(f.message)}</td><td><code>${escapeHtml(where(f))}</code></td></tr>`,
  );
  const sorted = [...t.findings].sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity) || a.ruleId.localeCompare(b.ruleId));
  const table =
    sorted.length || fixed.length
      ? `<table><thead><tr><th>severity</th><th>rule</th><th>finding</th><th>location</th></tr></thead><tbody>${sorted.map((f) => findingRow(f, rules.get(f.ruleId))).join('\n')}${fixed.join('\n')}</tbody></table>`
      : t.errors.length
        ? ''
        : '<p class="none">no findings</p>';
  return `<section data-target="${index}" id="target-${index}">
<h2>${escapeHtml(t.kind)} ${escapeHtml(t.name)} <small class="meta">(<span class="shown">${t.findings.length}</span> shown of ${t.findings.length})${t.removed ? ' · target removed or stopped since the baseline' : ''}</small></h2>
${props}${errors}${table}
</section>`;
}

function rulesSection(rules: readonly RuleMeta[]): string {
  if (!rules.length) return '';
  const items = rules.map(
    (r) => `<div class="rule" id="rule-${escapeHtml(r.id)}"><h3><code>${escapeHtml(r.id)}</code> ${escapeHtml(r.title)} ${severityBadge(r.severity)}</h3>
<p>${escapeHtml(r.rationale)}</p><p><strong>Fix:</strong> ${escapeHtml(r.fix)}</p>${r.cis?.length ? `<p class="meta">CIS Docker Benchmark: ${r.cis.map(escapeHtml).join(', ')}</p>` : ''}${
      r.references?.length ? `<p class="meta">${r.references.map((u) => escapeHtml(u)).join('<br>')}</p>` : ''
    }</div>`,
  );
  return `<h2 id="rules">Rules</h2>${items.join('\n')}`;
}

export function renderHtmlReport(report: Report): string {
  const all = report.targets.flatMap((t) => t.findings);
  const counts = countBySeverity(all);
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  const withBaseline = all.some((f) => f.baseline !== undefined) || report.targets.some((t) => t.fixed !== undefined);
  const nNew = all.filter((f) => f.baseline === 'new').length;
  const nUnchanged = all.filter((f) => f.baseline === 'unchanged').length;
  const nFixed = report.targets.reduce((n, t) => n + (t.fixed?.length ?? 0), 0);
  const cards = ORDER.map(
    (s) => `<button type="button" class="card" data-filter-severity="${s}" aria-pressed="true" style="border-color:${SEVERITY_COLORS[s]}"><span class="n" id="count-${s}">${counts[s]}</span>${s}</button>`,
  ).join('');
  const baselineCards = withBaseline
    ? `<div class="cards"><div class="card static"><span class="n" id="count-new">${nNew}</span>new</div><div class="card static"><span class="n" id="count-unchanged">${nUnchanged}</span>unchanged</div><div class="card static"><span class="n" id="count-fixed">${nFixed}</span>fixed</div>
<label><input type="checkbox" id="only-new"> only new findings</label></div>`
    : '';
  const targetsSummary = `<table id="targets"><thead><tr><th>target</th>${ORDER.map((s) => `<th>${s}</th>`).join('')}<th>errors</th></tr></thead><tbody>${report.targets
    .map((t, i) => {
      const c = countBySeverity(t.findings);
      return `<tr><td><a href="#target-${i}">${escapeHtml(t.kind)} ${escapeHtml(t.name)}</a></td>${ORDER.map((s) => `<td>${c[s] || ''}</td>`).join('')}<td>${t.errors.length || ''}</td></tr>`;
    })
    .join('')}</tbody></table>`;
  const body = `<header><h1>bulkhead ${escapeHtml(report.command)}</h1>
<p class="meta">${escapeHtml(report.createdAt)} · bulkhead ${escapeHtml(report.tool.version)} · ${report.targets.length} target(s) · <span id="total">${all.length}</span> finding(s)</p></header>
<div class="cards" id="severity-filter">${cards}</div>
${baselineCards}
${chart(report.targets)}
<h2>Targets</h2>${targetsSummary}
${report.targets.map((t, i) => targetSection(t, i, rules)).join('\n')}
${rulesSection(report.rules)}`;
  return htmlPage(`bulkhead ${report.command}`, body, SCRIPT);
}

export const formatHtml: Formatter = (report) => renderHtmlReport(report);
