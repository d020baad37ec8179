// Benchmark: `bulkhead audit k8s` over 1,000 manifests (one Deployment per file, a mix of the
// fixture workloads with names changed), parse + Kubernetes rules + container rules, in process,
// against a baseline measured in the same run: the `yaml` package parsing the same files only.
// Usage: npm run build && node bench/k8s.mjs [count]   (target: < 2 s for 1,000)
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const COUNT = Number(process.argv[2] ?? 1000);
const RUNS = 3;
const { auditManifests } = await import(join(root, 'dist/audit/k8s/audit.js'));

const templates = ['web.yaml', 'agent.yaml', 'jobs.yaml'].map((f) => readFileSync(join(root, 'test/fixtures/k8s/app', f), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'bench-k8s-'));
for (let i = 0; i < COUNT; i++) writeFileSync(join(dir, `m${String(i).padStart(4, '0')}.yaml`), templates[i % templates.length].replaceAll('name: ', `name: n${i}-`));

function time(fn) {
  const best = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    best.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return Math.min(...best);
}

let findings = 0;
let workloads = 0;
const audit = time(() => {
  const targets = auditManifests([dir], { cwd: dir, pss: 'restricted' });
  workloads = targets.length;
  findings = targets.reduce((n, t) => n + t.findings.length + t.errors.length, 0);
});
const baseline = time(() => {
  for (const f of readdirSync(dir)) for (const d of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) d.toJS();
});
rmSync(dir, { recursive: true, force: true });
console.log(`audit k8s: ${COUNT} manifests, ${workloads} workloads, ${findings} findings (--pss restricted): ${audit.toFixed(0)} ms (best of ${RUNS}); target < 2000 ms for 1000`);
console.log(`baseline (yaml parse + toJS only): ${baseline.toFixed(0)} ms; ratio ${(audit / baseline).toFixed(2)}x`);
