// Benchmark: `bulkhead audit container` over 100 running containers, end to end (node start,
// engine calls, rules, JSON out), against a baseline measured in the same run: a node process
// that makes only the raw list + inspect calls through the same engine client.
// Usage: npm run build && node bench/container-audit.mjs [count]   (target: --fs none < 1 s)
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const COUNT = Number(process.argv[2] ?? 100);
const LABEL = 'bulkhead-test=bench-container-audit';
const IMAGE = 'bulkhead-test/busybox:1';
const RUNS = 3;

function docker(args) {
  const r = spawnSync('docker', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

function cleanup() {
  const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=${LABEL}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (let i = 0; i < ids.length; i += 50) spawnSync('docker', ['rm', '-f', ...ids.slice(i, i + 50)], { stdio: 'ignore' });
}

function dockerAsync(args) {
  return new Promise((resolve, reject) => {
    const p = spawn('docker', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c) => (err += c));
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker ${args[0]}: ${err.trim()}`))));
  });
}

async function startContainers() {
  const names = Array.from({ length: COUNT }, (_, i) => `bh-bench-${process.pid}-${i}`);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++];
      await dockerAsync(['run', '-d', '--name', name, '--label', LABEL, '--network', 'none', IMAGE, 'sleep', '600']);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
}

/** Wall time of a child process, ms; its stdout. */
function timed(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return { ms, stdout: r.stdout };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(label, args) {
  const runs = [];
  let stdout = '';
  for (let i = 0; i < RUNS; i++) {
    const r = timed(args);
    runs.push(r.ms);
    stdout = r.stdout;
  }
  return { label, ms: median(runs), runs, stdout };
}

const BASELINE = `
const { connectEngine } = await import(${JSON.stringify(`${root}dist/engine/dockerode-client.js`)});
const engine = await connectEngine();
const list = await engine.listContainers();
const inspected = await Promise.all(list.map((c) => engine.inspectContainer(c.Id)));
process.stdout.write(String(inspected.length));
`;

process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

try {
  docker(['image', 'inspect', IMAGE]);
  cleanup();
  const t0 = Date.now();
  await startContainers();
  const running = Number(docker(['info', '--format', '{{.ContainersRunning}}']));
  console.log(`started ${COUNT} containers in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${running} running on the engine in all`);

  // warm the page cache for node, the bundle and dockerode
  timed(['bin/bulkhead.js', '--version']);
  timed(['--input-type=module', '-e', BASELINE]);

  const startup = measure('node + bulkhead --version', ['bin/bulkhead.js', '--version']);
  const baseline = measure('baseline: list + inspect only', ['--input-type=module', '-e', BASELINE]);
  const none = measure('audit container --fs none', ['bin/bulkhead.js', 'audit', 'container', '--fs', 'none', '--format', 'json', '--fail-on', 'never']);
  const changes = measure('audit container --fs changes', ['bin/bulkhead.js', 'audit', 'container', '--fs', 'changes', '--format', 'json', '--fail-on', 'never']);

  const audited = JSON.parse(none.stdout).targets.length;
  const auditedChanges = JSON.parse(changes.stdout).targets.length;
  console.log(`\ncontainers audited: ${audited} (--fs none), ${auditedChanges} (--fs changes); median of ${RUNS} runs, wall time of the whole command\n`);
  const row = (m, n) => `${m.label.padEnd(34)} ${m.ms.toFixed(0).padStart(6)} ms  ${n ? `${(n / (m.ms / 1000)).toFixed(0).padStart(6)} containers/s` : ''.padStart(19)}  ${(m.ms / baseline.ms).toFixed(2)}x baseline   runs: ${m.runs.map((x) => x.toFixed(0)).join(', ')}`;
  console.log(row(startup));
  console.log(row(baseline, Number(baseline.stdout)));
  console.log(row(none, audited));
  console.log(row(changes, auditedChanges));
  console.log(`\n--fs none target < 1000 ms: ${none.ms < 1000 ? 'met' : 'NOT met'} (${none.ms.toFixed(0)} ms); --fs changes costs ${(changes.ms - none.ms).toFixed(0)} ms more (${((changes.ms - none.ms) / auditedChanges).toFixed(2)} ms per container)`);
} finally {
  cleanup();
}
