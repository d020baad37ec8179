// bench/dockerfile-high-sample: a fixed-seed random sample of the high/critical findings of
// `bulkhead audit dockerfile DIR`, for judging precision by hand (issue 9).
// Run after `npm run build`:  node bench/dockerfile-high-sample.mjs DIR [count=40] [seed=9]
// Prints totals per rule, then each sampled finding with the instruction text it points at.
// DF001 is left out of the sample (its truth is the base image's USER, judged separately).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [dir, count = '40', seedArg = '9'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/dockerfile-high-sample.mjs DIR [count] [seed]');
  process.exit(2);
}
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const r = spawnSync(process.execPath, [join(ROOT, 'bin/bulkhead.js'), 'audit', 'dockerfile', dir, '--format', 'json', '--fail-on', 'never'], { encoding: 'utf8', maxBuffer: 1 << 30 });
if (r.status !== 0) throw new Error(`audit exited ${r.status}: ${r.stderr}`);
const report = JSON.parse(r.stdout);
const high = [];
const perRule = new Map();
for (const t of report.targets) {
  for (const f of t.findings) {
    if (f.severity !== 'high' && f.severity !== 'critical') continue;
    perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
    if (f.ruleId !== 'DF001') high.push({ target: t.name, ...f });
  }
}
// sort first so the sample depends on the findings, not on the report's order
high.sort((a, b) => `${a.target}:${a.location?.line}:${a.ruleId}`.localeCompare(`${b.target}:${b.location?.line}:${b.ruleId}`));
let seed = Number(seedArg);
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pool = high.slice();
const sample = [];
while (sample.length < Number(count) && pool.length) sample.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);

console.log(`${report.targets.length} Dockerfiles; high/critical per rule: ${[...perRule].sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`sample: ${sample.length} of ${high.length} high/critical findings other than DF001 (seed ${seedArg})\n`);
for (const [i, f] of sample.entries()) {
  const path = isAbsolute(f.target) ? f.target : join(process.cwd(), f.target);
  const lines = readFileSync(path, 'utf8').split('\n');
  const line = f.location?.line ?? 1;
  const text = lines.slice(line - 1, Math.min(line + 1, lines.length)).join(' / ').slice(0, 220);
  console.log(`${String(i + 1).padStart(2)}. ${f.ruleId} ${f.severity} ${f.target}:${line}\n    ${f.message}\n    > ${text}`);
}
