// bulkhead run vs the equivalent plain docker run, and bulkhead --version.
// Run after `npm run build`:  node bench/run-overhead.mjs [runs]
// Prints both medians and the median ratio (target <= 1.25); --version median (target < 150 ms).
// A third row, the Node floor (bench/run-floor.cjs: node's startup plus only the create/start/wait
// calls, with bulkhead's own create body), shows how much of the gap no Node.js CLI can close.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}bin/bulkhead.js`;
const runs = Number(process.argv[2] ?? 20);
const image = process.env.BULKHEAD_BENCH_IMAGE ?? 'bulkhead-test/busybox:1';
const label = 'bulkhead-test=runtime-bench';

if (!existsSync(`${root}dist/cli/main.cjs`)) {
  console.error('bench/run-overhead: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

function timed(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: root });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    console.error(`bench/run-overhead: ${cmd} ${args.slice(0, 3).join(' ')} ... exited ${r.status}: ${(r.stderr ?? '').trim().split('\n').pop()}`);
    process.exit(1);
  }
  return { ms, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

// the same container both ways: --rm keeps the engine clean, the label lets tests find strays
const bulkheadArgs = [bin, 'run', '--rm', '--label', label, '--policy', 'untrusted', image, '--', 'true'];
const dry = JSON.parse(timed('node', [bin, 'run', '--dry-run', '--format', 'json', ...bulkheadArgs.slice(2)]).stdout);
const dockerArgs = dry.dockerArgv.slice(1);
const scratch = mkdtempSync(join(tmpdir(), 'bulkhead-run-bench-'));
const createBody = join(scratch, 'create.json');
writeFileSync(createBody, JSON.stringify(dry.createOptions));
const socket = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
const floorArgs = [`${root}bench/run-floor.cjs`, socket, createBody];

// warm up caches (page cache, engine) before measuring
for (let i = 0; i < 2; i++) {
  timed('node', bulkheadArgs);
  timed('docker', dockerArgs);
  timed('node', floorArgs);
}

const bulkhead = [];
const docker = [];
const floor = [];
for (let i = 0; i < runs; i++) {
  // alternate which goes first so drift in machine load hits both alike
  if (i % 2 === 0) {
    bulkhead.push(timed('node', bulkheadArgs).ms);
    docker.push(timed('docker', dockerArgs).ms);
  } else {
    docker.push(timed('docker', dockerArgs).ms);
    bulkhead.push(timed('node', bulkheadArgs).ms);
  }
  floor.push(timed('node', floorArgs).ms);
}
rmSync(scratch, { recursive: true, force: true });
const pairRatios = bulkhead.map((b, i) => b / docker[i]);
const floorRatios = floor.map((f, i) => f / docker[i]);

const version = [];
const bareNode = [];
for (let i = 0; i < runs; i++) {
  version.push(timed('node', [bin, '--version']).ms);
  bareNode.push(timed('node', ['-e', '0']).ms);
}

const ratio = median(pairRatios);
console.log(`bulkhead run vs docker run (${runs} alternating runs each, ${image}, policy untrusted, --rm, \`true\`)`);
console.log(`  docker run      median ${fmt(median(docker))}  (min ${fmt(Math.min(...docker))})`);
console.log(`  bulkhead run    median ${fmt(median(bulkhead))}  (min ${fmt(Math.min(...bulkhead))})`);
console.log(`  median ratio    ${ratio.toFixed(3)}  (ratio of medians ${(median(bulkhead) / median(docker)).toFixed(3)}; target <= 1.25: ${ratio <= 1.25 ? 'met' : 'NOT met'})`);
console.log(`  node floor      median ${fmt(median(floor))}  (min ${fmt(Math.min(...floor))}): node startup + create/start/wait only, median ratio ${median(floorRatios).toFixed(3)}`);
console.log(`bulkhead --version`);
console.log(`  median ${fmt(median(version))}  (bare node -e 0: ${fmt(median(bareNode))}; target < 150 ms: ${median(version) < 150 ? 'met' : 'NOT met'})`);

// gVisor, where the engine has runsc registered: bulkhead run --policy sandboxed against the
// docker run with the same flags (--runtime runsc included), and gVisor against runc
const runtimes = spawnSync('docker', ['info', '--format', '{{json .Runtimes}}'], { encoding: 'utf8' }).stdout ?? '';
if (!runtimes.includes('runsc')) {
  console.log('gVisor: no runsc runtime registered with the engine (scripts/engine registers it); not measured');
} else {
  const gArgs = [bin, 'run', '--rm', '--label', label, '--policy', 'sandboxed', image, '--', 'true'];
  const gDry = JSON.parse(timed('node', [bin, 'run', '--dry-run', '--format', 'json', ...gArgs.slice(2)]).stdout);
  const gDocker = gDry.dockerArgv.slice(1);
  // the Node floor again, with the sandboxed create body (runtime runsc)
  const gScratch = mkdtempSync(join(tmpdir(), 'bulkhead-run-bench-'));
  const gBody = join(gScratch, 'create.json');
  writeFileSync(gBody, JSON.stringify(gDry.createOptions));
  const gFloorArgs = [`${root}bench/run-floor.cjs`, socket, gBody];
  for (let i = 0; i < 2; i++) {
    timed('node', gArgs);
    timed('docker', gDocker);
    timed('node', gFloorArgs);
  }
  const gb = [];
  const gd = [];
  const gf = [];
  const rd = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      gb.push(timed('node', gArgs).ms);
      gd.push(timed('docker', gDocker).ms);
    } else {
      gd.push(timed('docker', gDocker).ms);
      gb.push(timed('node', gArgs).ms);
    }
    gf.push(timed('node', gFloorArgs).ms);
    rd.push(timed('docker', dockerArgs).ms);
  }
  rmSync(gScratch, { recursive: true, force: true });
  const gRatio = median(gb.map((b, i) => b / gd[i]));
  console.log(`bulkhead run --policy sandboxed vs docker run --runtime runsc, same flags (${runs} alternating runs each)`);
  console.log(`  docker run --runtime runsc  median ${fmt(median(gd))}  (min ${fmt(Math.min(...gd))})`);
  console.log(`  bulkhead run (gVisor)       median ${fmt(median(gb))}  (min ${fmt(Math.min(...gb))})`);
  console.log(`  median ratio                ${gRatio.toFixed(3)}  (target <= 1.10: ${gRatio <= 1.1 ? 'met' : 'NOT met'})`);
  console.log(`  node floor (gVisor)         median ${fmt(median(gf))}: median ratio ${median(gf.map((f, i) => f / gd[i])).toFixed(3)}`);
  console.log(`  gVisor vs runc (docker run, untrusted flags on runc)  ${(median(gd) / median(rd)).toFixed(3)}  (runc median ${fmt(median(rd))})`);
}
