import { createHash } from 'node:crypto';
import type { Formatter } from './index.js';
import { SEVERITIES, atOrAbove, type EvaluatedRule, type Finding, type Report, type RuleMeta, type Severity, type TargetResult } from '../../model.js';
import { countBySeverity } from '../build.js';
import { compareFindings, groupByRule, passedChecks, ruleLookup, targetsWorstFirst, type FindingGroup } from '../worst-first.js';

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
tr.fixed td{color:#6b7280}tr.fixed .msg{text-decoration:line-through}
.none{color:#15803d}
.sev.pass{background:#15803d}
td.cis{color:#374151;font-size:.8rem;max-width:12rem}
tr.pass code,tr.group code,tr.finding code{word-break:normal;white-space:nowrap}
ul.targets{margin:2px 0 0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:2px 8px;font-size:.8rem}
.count{color:#6b7280;font-size:.8rem}
details.each ul{margin:4px 0;padding-left:18px;font-size:.85rem}
p.common{font-size:.85rem;color:#374151}
p.common a{color:inherit}
nav a{color:#1d4ed8}
svg{max-width:100%;height:auto}
.scroll{overflow-x:auto}
table.rows th:nth-child(4){width:45%}table.rows th:nth-child(5){width:28%}
table.rows th:nth-child(1){width:7rem}
[hidden]{display:none!important}
@media (max-width:700px){
body{padding:10px;overflow-wrap:anywhere}
td.cis{white-space:normal}
table.rows thead{display:none}
table.rows,table.rows tbody,table.rows tr,table.rows td{display:block;width:auto}
table.rows tr{border-bottom:1px solid #e5e7eb;padding:6px 0}
table.rows td{border:0;padding:2px 8px}
table.rows td:nth-child(-n+3){display:inline-block}
table.rows td:empty{display:none}
#targets th,#targets td{padding:4px 3px;font-size:.75rem;overflow-wrap:normal}
#targets td:first-child{overflow-wrap:anywhere}
code{overflow-wrap:normal;white-space:nowrap}
.card{min-width:64px;padding:6px 10px}
}
`;

/** Drops the rows the filter hides and keeps each target's shown-count current. */
const SCRIPT = `
(function(){
  var active={};
  var cards=document.querySelectorAll('button[data-filter-severity]');
  cards.forEach(function(b){active[b.getAttribute('data-filter-severity')]=true;});
  var onlyNew=document.getElementById('only-new');
  function apply(){
    document.querySelectorAll('[data-severity]').forEach(function(r){
      var ok=active[r.getAttribute('data-severity')];
      if(onlyNew&&onlyNew.checked&&r.getAttribute('data-baseline')!=='new')ok=false;
      r.hidden=!ok;
    });
    document.querySelectorAll('section[data-target]').forEach(function(s){
      var n=s.querySelectorAll('[data-severity]:not([hidden])').length;
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

/** Horizontal stacked bars: one per target in the order given (worst first), segments by severity. */
function chart(targets: readonly TargetResult[]): string {
  const rows = targets
    .map((t) => ({ name: `${t.kind} ${t.name}`, counts: countBySeverity(t.findings), total: t.findings.length }))
    .filter((r) => r.total > 0)
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

type RuleInfo = RuleMeta | EvaluatedRule;

/** Targets named in a grouped row before the rest are folded away. */
const TARGETS_SHOWN = 24;

/** A rule on this many targets or more, at medium or below, is one line in each target's section. */
export const COMMON_MIN_TARGETS = 3;

function cisCell(rule: RuleInfo | undefined): string {
  return `<td class="cis">${rule?.cis?.length ? rule.cis.map(escapeHtml).join(', ') : ''}</td>`;
}

function fixDetails(rule: RuleInfo | undefined): string {
  return rule && 'fix' in rule ? `<details><summary>fix</summary>${escapeHtml(rule.fix)}</details>` : '';
}

function findingRow(f: Finding, rule: RuleInfo | undefined): string {
  const base = f.baseline ? ` <span class="tag ${f.baseline}">${escapeHtml(f.baseline)}</span>` : '';
  return `<tr class="finding" data-severity="${escapeHtml(f.severity)}" data-baseline="${escapeHtml(f.baseline ?? '')}" data-rule="${escapeHtml(f.ruleId)}">
<td>${severityBadge(f.severity)}${base}</td>
<td><a href="#rule-${escapeHtml(f.ruleId)}"><code>${escapeHtml(f.ruleId)}</code></a></td>
${cisCell(rule)}
<td><span class="msg">${escapeHtml(f.message)}</span>${f.evidence ? `<div class="ev">${escapeHtml(f.evidence)}</div>` : ''}${fixDetails(rule)}</td>
<td><code>${escapeHtml(where(f))}</code></td></tr>`;
}

function kindCount(kinds: readonly TargetResult[]): string {
  const byKind = new Map<string, number>();
  for (const t of kinds) byKind.set(t.kind, (byKind.get(t.kind) ?? 0) + 1);
  return [...byKind].map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`).join(', ');
}

/**
 * One row for a rule across the fleet: the message when it fired once, else the rule's title
 * with every target listed (and each target's own message one click away).
 */
function groupRow(g: FindingGroup, rule: RuleInfo | undefined, state?: 'fixed'): string {
  const targets = [...new Map(g.members.map((m) => [m.index, m.target])).entries()];
  const nNew = g.members.filter((m) => m.finding.baseline === 'new').length;
  const tag = state === 'fixed' ? ' <span class="tag fixed">fixed</span>' : nNew ? ` <span class="tag new">${nNew === g.members.length ? 'new' : `${nNew} new`}</span>` : '';
  const first = g.members[0]!.finding;
  const text =
    g.members.length === 1
      ? `<span class="msg">${escapeHtml(first.message)}</span>${first.evidence ? `<div class="ev">${escapeHtml(first.evidence)}</div>` : ''}`
      : `<span class="msg">${escapeHtml(rule?.title ?? g.ruleId)}</span><details class="each"><summary>${g.members.length} findings</summary><ul>${g.members
          .map((m) => `<li>${escapeHtml(m.finding.message)}${m.finding.evidence ? ` <span class="ev">${escapeHtml(m.finding.evidence)}</span>` : ''}</li>`)
          .join('')}</ul></details>`;
  const item = ([i, t]: [number, TargetResult]) => `<li><a href="#target-${i}">${escapeHtml(t.name)}</a></li>`;
  // a rule on hundreds of containers: the first ones in view, the rest one click away
  const list =
    targets.length > TARGETS_SHOWN
      ? `${targets.slice(0, TARGETS_SHOWN).map(item).join('')}<li><details><summary>and ${targets.length - TARGETS_SHOWN} more</summary><ul class="targets">${targets.slice(TARGETS_SHOWN).map(item).join('')}</ul></details></li>`
      : targets.map(item).join('');
  const baseline = state === 'fixed' ? 'fixed' : nNew ? 'new' : g.members.some((m) => m.finding.baseline === 'unchanged') ? 'unchanged' : '';
  return `<tr class="${state === 'fixed' ? 'fixed' : 'group'}" data-severity="${escapeHtml(g.severity)}" data-baseline="${baseline}" data-rule="${escapeHtml(g.ruleId)}" data-targets="${g.targetCount}">
<td>${severityBadge(g.severity)}${tag}</td>
<td><a href="#rule-${escapeHtml(g.ruleId)}"><code>${escapeHtml(g.ruleId)}</code></a></td>
${cisCell(rule)}
<td>${text}${state === 'fixed' ? '' : fixDetails(rule)}</td>
<td><span class="count">${escapeHtml(kindCount(targets.map(([, t]) => t)))}</span><ul class="targets">${list}</ul></td></tr>`;
}

function groupTable(id: string, groups: readonly FindingGroup[], rules: Map<string, RuleInfo>, state?: 'fixed'): string {
  return `<table class="rows" id="${id}"><thead><tr><th>severity</th><th>rule</th><th>CIS</th><th>finding</th><th>targets</th></tr></thead><tbody>${groups.map((g) => groupRow(g, rules.get(g.ruleId), state)).join('\n')}</tbody></table>`;
}

function targetSection(t: TargetResult, index: number, rules: Map<string, RuleInfo>, common: ReadonlySet<string>): string {
  const props = t.properties && Object.keys(t.properties).length
    ? `<dl class="props">${Object.entries(t.properties).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`
    : '';
  const errors = t.errors.map((e) => `<p class="err">error: ${escapeHtml(e.location?.path ? `${e.location.path}: ` : '')}${escapeHtml(e.message)}</p>`).join('');
  const sorted = [...t.findings].sort(compareFindings);
  const own = sorted.filter((f) => !common.has(`${f.ruleId}\u0000${f.severity}`));
  const shared = sorted.filter((f) => common.has(`${f.ruleId}\u0000${f.severity}`));
  const table = own.length
    ? `<table class="rows"><thead><tr><th>severity</th><th>rule</th><th>CIS</th><th>finding</th><th>location</th></tr></thead><tbody>${own.map((f) => findingRow(f, rules.get(f.ruleId))).join('\n')}</tbody></table>`
    : '';
  const sharedLine = shared.length
    ? `<p class="common">${own.length ? 'Also, as' : 'As'} on many other targets (see <a href="#by-rule">by rule</a>): ${shared
        .map((f) => `<a class="common-rule" href="#rule-${escapeHtml(f.ruleId)}" data-severity="${escapeHtml(f.severity)}" data-baseline="${escapeHtml(f.baseline ?? '')}" title="${escapeHtml(f.message)}"><code>${escapeHtml(f.ruleId)}</code> ${escapeHtml(rules.get(f.ruleId)?.title ?? '')}</a>`)
        .join(' · ')}</p>`
    : '';
  const fixedHere = t.fixed?.length ? ` now; ${t.fixed.length} fixed since the baseline (<a href="#diff">see above</a>)` : '';
  const none = !t.findings.length && !t.errors.length ? `<p class="none">no findings${fixedHere}</p>` : '';
  return `<section data-target="${index}" id="target-${index}">
<h2>${escapeHtml(t.kind)} ${escapeHtml(t.name)} <small class="meta">(<span class="shown">${t.findings.length}</span> shown of ${t.findings.length})${t.removed ? ' · target removed or stopped since the baseline' : ''}</small></h2>
${props}${errors}${table}${sharedLine}${none}
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

/** docker-bench's [PASS] lines: every rule that ran on the report's targets and found nothing. */
function passedSection(report: Report): string {
  const passed = passedChecks(report);
  if (passed === undefined) return `<h2 id="passed">Checks passed</h2><p class="meta">This report does not record which rules were evaluated (written by an earlier bulkhead).</p>`;
  const evaluated = new Set(report.targets.flatMap((t) => t.evaluated ?? [])).size;
  const rows = passed
    .map(
      (p) =>
        `<tr class="pass" data-rule="${escapeHtml(p.rule.id)}"><td><span class="sev pass">pass</span></td><td><code>${escapeHtml(p.rule.id)}</code></td><td class="cis">${(p.rule.cis ?? []).map(escapeHtml).join(', ')}</td><td>${escapeHtml(p.rule.title)} <span class="meta">— none found</span></td><td>${escapeHtml(
          Object.entries(p.checked)
            .map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`)
            .join(', '),
        )}</td></tr>`,
    )
    .join('\n');
  const accepted = report.targets.flatMap((t) => (t.accepted ?? []).map((id) => `${id} on ${t.name}`));
  return `<h2 id="passed">Checks passed</h2>
<p class="meta"><span id="count-passed">${passed.length}</span> of ${evaluated} rules evaluated found nothing on any target they ran on. A rule the project config disables is not evaluated; one whose findings it ignores is accepted, not passed.</p>
${accepted.length ? `<p class="meta" id="accepted">Accepted by the project config: ${accepted.map(escapeHtml).join(', ')}</p>` : ''}
${passed.length ? `<table class="rows" id="passed-checks"><thead><tr><th>result</th><th>rule</th><th>CIS</th><th>looked for</th><th>checked on</th></tr></thead><tbody>${rows}</tbody></table>` : ''}`;
}

export function renderHtmlReport(report: Report): string {
  const all = report.targets.flatMap((t) => t.findings);
  const counts = countBySeverity(all);
  const rules = ruleLookup(report);
  const withBaseline = all.some((f) => f.baseline !== undefined) || report.targets.some((t) => t.fixed !== undefined);
  const nNew = all.filter((f) => f.baseline === 'new').length;
  const nUnchanged = all.filter((f) => f.baseline === 'unchanged').length;
  const nFixed = report.targets.reduce((n, t) => n + (t.fixed?.length ?? 0), 0);
  const ordered = targetsWorstFirst(report.targets);
  const groups = groupByRule(report.targets);
  const serious = groups.filter((g) => atOrAbove(g.severity, 'high'));
  const rest = groups.filter((g) => !atOrAbove(g.severity, 'high'));
  const common = new Set(rest.filter((g) => g.targetCount >= COMMON_MIN_TARGETS).map((g) => `${g.ruleId}\u0000${g.severity}`));
  const cards = ORDER.map(
    (s) => `<button type="button" class="card" data-filter-severity="${s}" aria-pressed="true" style="border-color:${SEVERITY_COLORS[s]}"><span class="n" id="count-${s}">${counts[s]}</span>${s}</button>`,
  ).join('');
  const newGroups = groupByRule(report.targets, (f) => f.baseline === 'new');
  const fixedGroups = groupByRule(report.targets.map((t) => ({ ...t, findings: t.fixed ?? [] })));
  const diff = withBaseline
    ? `<section id="diff"><h2>Since the baseline</h2><div class="cards"><div class="card static"><span class="n" id="count-new">${nNew}</span>new</div><div class="card static"><span class="n" id="count-fixed">${nFixed}</span>fixed</div><div class="card static"><span class="n" id="count-unchanged">${nUnchanged}</span>unchanged</div>
<label><input type="checkbox" id="only-new"> only new findings</label></div>
${newGroups.length ? `<h3>New</h3>${groupTable('new-findings', newGroups, rules)}` : ''}
${fixedGroups.length ? `<h3>Fixed</h3>${groupTable('fixed-findings', fixedGroups, rules, 'fixed')}` : ''}</section>`
    : '';
  const targetsSummary = `<div class="scroll"><table id="targets"><thead><tr><th>target</th>${ORDER.map((s) => `<th>${s}</th>`).join('')}<th>errors</th></tr></thead><tbody>${ordered
    .map(({ target: t, index: i }) => {
      const c = countBySeverity(t.findings);
      return `<tr data-target="${i}"><td><a href="#target-${i}">${escapeHtml(t.kind)} ${escapeHtml(t.name)}</a></td>${ORDER.map((s) => `<td>${c[s] || ''}</td>`).join('')}<td>${t.errors.length || ''}</td></tr>`;
    })
    .join('')}</tbody></table></div>`;
  const nav = `<nav class="meta">${withBaseline ? '<a href="#diff">since the baseline</a> · ' : ''}<a href="#worst">critical and high</a> · <a href="#by-rule">by rule</a> · <a href="#targets-heading">targets</a> · <a href="#passed">checks passed</a> · <a href="#rules">rules</a></nav>`;
  const body = `<header><h1>bulkhead ${escapeHtml(report.command)}</h1>
<p class="meta">${escapeHtml(report.createdAt)} · bulkhead ${escapeHtml(report.tool.version)} · ${report.targets.length} target(s) · <span id="total">${all.length}</span> finding(s)</p>${nav}</header>
${diff}
<div class="cards" id="severity-filter">${cards}</div>
<h2 id="worst">Critical and high, all targets</h2>
${serious.length ? groupTable('worst-findings', serious, rules) : '<p class="none">no critical or high finding</p>'}
<h2 id="by-rule">Medium, low and info, by rule</h2>
${rest.length ? groupTable('other-findings', rest, rules) : '<p class="none">none</p>'}
<h2 id="targets-heading">Targets, worst first</h2>${targetsSummary}
${chart(ordered.map((o) => o.target))}
${ordered.map(({ target, index }) => targetSection(target, index, rules, common)).join('\n')}
${passedSection(report)}
${rulesSection(report.rules)}`;
  return htmlPage(`bulkhead ${report.command}`, body, SCRIPT);
}

export const formatHtml: Formatter = (report) => renderHtmlReport(report);
