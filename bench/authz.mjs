// Benchmark: `bulkhead authz serve` on its unix socket, and `docker run` through it.
//  1. 1,000 container-create AuthZReq (a docker CLI body that passes, and one that is denied, alternating)
//     with 32 in flight, then 1,000 GETs: decision time inside the plugin (the log's `ms`, from the
//     first byte of the plugin request to the decision), round trip at the socket, requests/s, peak RSS.
//     The plugin runs as `authz install` starts it (its node flags, its own warm-up), after this
//     bench has warmed its own client on a plugin it throws away; then once more with --warm-up 0.
//  2. `docker run --rm IMAGE true` against a second dockerd with --authorization-plugin=bulkhead and
//     a third without it (same flags otherwise), alternating, median ratio.
//  3. With OPA_DOCKER_AUTHZ=/path/to/opa-docker-authz, the anchor: the same requests of part 1
//     through opa-docker-authz with bench/data/opa-untrusted.rego, and bulkhead's ratios to it.
// Usage: npm run build && [OPA_DOCKER_AUTHZ=BIN] node bench/authz.mjs [runs] [plugin-only]   (targets in docs/authz.md; root for part 2)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}bin/bulkhead.js`;
const IMAGE = 'bulkhead-test/busybox:1';
const RUNS = Number(process.argv[2] ?? 15);
const work = `/tmp/bh-authz-bench-${process.pid}`;
mkdirSync(`${work}/plugins`, { recursive: true });

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const median = (xs) => pct(xs, 50);
const f3 = (x) => x.toFixed(3);

// node's flags as `bulkhead authz install` writes them into the unit
const { SERVE_NODE_FLAGS } = await import(`${root}dist/authz/install.js`);

function startPlugin(socket, log, extra = []) {
  const p = spawn(process.execPath, [...SERVE_NODE_FLAGS, bin, 'authz', 'serve', '--policy', 'untrusted', '--socket', socket, '--log', log, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    p.stderr.on('data', (c) => {
      err += c;
      // the plugin's own warm-up (src/authz/warm-up.ts) is part of its start
      if (err.includes(extra.includes('0') ? 'serving policy' : 'warmed up')) resolve(p);
    });
    p.on('exit', (code) => reject(new Error(`plugin exited ${code}: ${err}`)));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });
function post(socket, payload) {
  const text = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const r = request({ socketPath: socket, path: '/AuthZPlugin.AuthZReq', method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ ms: performance.now() - t0, body: JSON.parse(body) }));
    });
    r.on('error', reject);
    r.end(text);
  });
}

async function load(socket, requests, concurrency) {
  const times = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < requests.length) {
      const r = await post(socket, requests[next++]);
      times.push(r.ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { times, seconds: (performance.now() - t0) / 1000 };
}

// what docker 28 sends for `docker run --rm --user 65534:65534 --cap-drop ALL --read-only --memory 64m ...`
const createBody = (privileged) => ({
  Hostname: '', Domainname: '', User: '65534:65534', AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false, OpenStdin: false, StdinOnce: false,
  Env: ['APP_MODE=bench'], Cmd: ['true'], Image: IMAGE, Volumes: {}, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: {},
  HostConfig: {
    Binds: null, ContainerIDFile: '', LogConfig: { Type: '', Config: {} }, NetworkMode: 'none', PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: true,
    VolumeDriver: '', VolumesFrom: null, ConsoleSize: [0, 0], CapAdd: null, CapDrop: ['ALL'], CgroupnsMode: '', Dns: [], DnsOptions: [], DnsSearch: [], ExtraHosts: null, GroupAdd: null,
    IpcMode: '', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '', Privileged: privileged, PublishAllPorts: false, ReadonlyRootfs: true, SecurityOpt: ['no-new-privileges'], UTSMode: '',
    UsernsMode: '', ShmSize: 0, Isolation: '', CpuShares: 0, Memory: 67108864, NanoCpus: 500000000, CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: [], BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [], BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [], CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '',
    Devices: [], DeviceCgroupRules: null, DeviceRequests: null, MemoryReservation: 0, MemorySwap: 0, MemorySwappiness: null, OomKillDisable: null, PidsLimit: 64, Ulimits: [],
    CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0, MaskedPaths: null, ReadonlyPaths: null,
  },
  NetworkingConfig: { EndpointsConfig: {} },
});
const authzReq = (method, uri, body) => ({
  User: '', UserAuthNMethod: '', RequestMethod: method, RequestUri: uri,
  ...(body ? { RequestBody: Buffer.from(JSON.stringify(body)).toString('base64') } : {}),
  RequestHeaders: { 'Content-Type': 'application/json', 'User-Agent': 'Docker-Client/28.2.2 (linux)', ...(body ? { 'Content-Length': String(JSON.stringify(body).length) } : {}) },
});

/** user+system CPU of a process in ms (clock ticks of 10 ms): what a request costs without the scheduling delays of a busy host */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

function peakRss(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** decide() alone, in this process, on the same requests: the rules' share of a decision, without HTTP, base64 or the log. */
async function decideBench(creates) {
  const { decide } = await import(`${root}dist/authz/decide.js`);
  const { loadPolicy } = await import(`${root}dist/policy/load.js`);
  const policy = await loadPolicy('untrusted');
  const ctx = { policy, engine: { seccomp: true, apparmor: false, selinux: false, userns: false, rootless: false, cgroupVersion: '2' }, now: new Date() };
  const reqs = creates.map((c) => ({ user: '', method: c.RequestMethod, uri: c.RequestUri, body: Buffer.from(c.RequestBody, 'base64'), headers: c.RequestHeaders }));
  for (const r of reqs) decide(r, ctx);
  const times = [];
  for (let round = 0; round < 5; round++) {
    for (const r of reqs) {
      const t0 = performance.now();
      decide(r, ctx);
      times.push(performance.now() - t0);
    }
  }
  console.log(`  decide() alone (rules, body parse and shape; no HTTP, base64 or log), ${times.length} creates: p50 ${f3(median(times) * 1000)} µs  p99 ${f3(pct(times, 99) * 1000)} µs`);
}

/** The same requests through a plugin this bench then stops: so that what is measured is the plugin, not a cold client in this process. */
async function warmClient(creates) {
  const socket = `${work}/client-warm-up.sock`;
  const plugin = await startPlugin(socket, `${work}/client-warm-up.log`, ['--warm-up', '0']);
  for (let round = 0; round < 4; round++) await load(socket, creates, 32);
  plugin.kill('SIGTERM');
}

/** One plugin, started with `extra` flags: 200 creates not counted, then 1,000 creates and 1,000 GETs. */
async function pluginLoad(creates, gets, extra) {
  const socket = `${work}/bench.sock`;
  const log = `${work}/bench.log`;
  rmSync(log, { force: true });
  const plugin = await startPlugin(socket, log, extra);
  // node's HTTP code on both sides, not counted
  await load(socket, creates.slice(0, 200), 32);
  const before = readFileSync(log, 'utf8').split('\n').length - 1;
  const cpu0 = cpuMs(plugin.pid);
  const c = await load(socket, creates, 32);
  const cpu1 = cpuMs(plugin.pid);
  const g = await load(socket, gets, 32);
  const cpu2 = cpuMs(plugin.pid);
  const lines = readFileSync(log, 'utf8').trim().split('\n').slice(before).map((l) => JSON.parse(l));
  const rss = peakRss(plugin.pid);
  plugin.kill('SIGTERM');
  await new Promise((resolve) => plugin.once('exit', resolve));
  const creating = lines.filter((l) => l.action === 'container-create');
  const getting = lines.filter((l) => l.method === 'GET');
  return {
    createMs: creating.map((l) => l.ms),
    getMs: getting.map((l) => l.ms),
    createDecideMs: creating.map((l) => l.ms - (l.readMs ?? 0)),
    getDecideMs: getting.map((l) => l.ms - (l.readMs ?? 0)),
    denied: creating.filter((l) => !l.allow).length,
    c,
    g,
    cpuCreate: (cpu1 - cpu0) / 1000,
    cpuGet: (cpu2 - cpu1) / 1000,
    rss,
  };
}

async function pluginBench() {
  const creates = Array.from({ length: 1000 }, (_, i) => authzReq('POST', `/v1.41/containers/create?name=bench-${i}`, createBody(i % 2 === 1)));
  const gets = Array.from({ length: 1000 }, () => authzReq('GET', '/v1.41/containers/json?all=1'));
  await warmClient(creates);
  const r = await pluginLoad(creates, gets, []);
  console.log(`plugin as installed (node ${SERVE_NODE_FLAGS.join(' ')}, after its own warm-up), policy untrusted, 1,000 creates (${r.denied} denied) then 1,000 GETs, 32 in flight, unix socket`);
  console.log(`  create decision in the plugin: p50 ${f3(median(r.createMs))} ms  p99 ${f3(pct(r.createMs, 99))} ms   (targets < 0.5 / < 2)`);
  console.log(`  GET decision in the plugin:    p50 ${f3(median(r.getMs))} ms  p99 ${f3(pct(r.getMs, 99))} ms   (target p99 < 0.3)`);
  console.log(`  of which after the whole request was in (the log's ms - readMs): create p50 ${f3(median(r.createDecideMs))} ms p99 ${f3(pct(r.createDecideMs, 99))} ms; GET p50 ${f3(median(r.getDecideMs))} ms p99 ${f3(pct(r.getDecideMs, 99))} ms`);
  console.log(`  round trip at the socket (queueing of 32 in flight included): create p50 ${f3(median(r.c.times))} ms p99 ${f3(pct(r.c.times, 99))} ms; GET p50 ${f3(median(r.g.times))} ms p99 ${f3(pct(r.g.times, 99))} ms`);
  console.log(`  throughput: creates ${(1000 / r.c.seconds).toFixed(0)} req/s, GETs ${(1000 / r.g.seconds).toFixed(0)} req/s`);
  console.log(`  plugin CPU per request (whole request: HTTP, base64, parse, rules, log line): create ${f3(r.cpuCreate)} ms, GET ${f3(r.cpuGet)} ms; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} on ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} cores`);
  console.log(`  peak RSS of the plugin: ${r.rss.toFixed(1)} MB   (target < 80)`);
  const cold = await pluginLoad(creates, gets, ['--warm-up', '0']);
  console.log(`  for comparison, started with --warm-up 0 (the first requests after a start): create p50 ${f3(median(cold.createMs))} ms p99 ${f3(pct(cold.createMs, 99))} ms; GET p99 ${f3(pct(cold.getMs, 99))} ms; CPU per create ${f3(cold.cpuCreate)} ms; peak RSS ${cold.rss.toFixed(1)} MB`);
  await decideBench(creates);
  return { creates, gets, ...r };
}

/**
 * The anchor: opa-docker-authz (Go + Rego) with bench/data/opa-untrusted.rego, the same 1,000
 * creates and 1,000 GETs, 32 in flight, on its own unix socket. It logs no decision (-quiet),
 * where bulkhead writes one line each: the comparison favours the anchor. It has no in-plugin
 * timing, so the comparable figures are the round trip at the socket, throughput, CPU and RSS.
 */
async function anchorBench(binary, ours) {
  const name = `bh-bench-opa-${process.pid}`;
  const socket = `/run/docker/plugins/${name}.sock`;
  const policy = fileURLToPath(new URL('./data/opa-untrusted.rego', import.meta.url));
  const version = spawnSync(binary, ['-version'], { encoding: 'utf8' }).stdout.trim().replace(/\s+/g, ' ');
  const p = spawn(binary, ['-plugin-name', name, '-policy-file', policy, '-quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr.on('data', (c) => (err += c));
  try {
    for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(100);
    if (!existsSync(socket)) throw new Error(`opa-docker-authz did not open ${socket}: ${err.trim().split('\n').pop()}`);
    await load(socket, ours.creates.slice(0, 200), 32);
    const cpu0 = cpuMs(p.pid);
    const c = await load(socket, ours.creates, 32);
    const cpu1 = cpuMs(p.pid);
    const g = await load(socket, ours.gets, 32);
    const cpu2 = cpuMs(p.pid);
    // the same verdicts on the same bodies, or the comparison means nothing
    const verdicts = await Promise.all(ours.creates.slice(0, 20).map((r) => post(socket, r)));
    const denied = verdicts.filter((v) => !v.body.Allow).length;
    const rss = peakRss(p.pid);
    const ratio = (a, b) => (a / b).toFixed(2);
    console.log(`opa-docker-authz anchor (${version}), bench/data/opa-untrusted.rego, the same requests: ${denied} of the first 20 creates denied (bulkhead: 10)`);
    console.log(`  round trip at the socket: create p50 ${f3(median(c.times))} ms p99 ${f3(pct(c.times, 99))} ms; GET p50 ${f3(median(g.times))} ms p99 ${f3(pct(g.times, 99))} ms`);
    console.log(`  throughput: creates ${(1000 / c.seconds).toFixed(0)} req/s, GETs ${(1000 / g.seconds).toFixed(0)} req/s`);
    console.log(`  CPU per request: create ${f3((cpu1 - cpu0) / 1000)} ms, GET ${f3((cpu2 - cpu1) / 1000)} ms; peak RSS ${rss.toFixed(1)} MB`);
    console.log(`  bulkhead / opa-docker-authz: create round trip p50 ${ratio(median(ours.c.times), median(c.times))}x, p99 ${ratio(pct(ours.c.times, 99), pct(c.times, 99))}x; GET p50 ${ratio(median(ours.g.times), median(g.times))}x; create throughput ${ratio(c.seconds, ours.c.seconds)}x; CPU per create ${ratio(ours.cpuCreate, (cpu1 - cpu0) / 1000)}x; RSS ${ratio(ours.rss, rss)}x`);
  } finally {
    p.kill('SIGTERM');
    rmSync(socket, { force: true });
  }
}

function startDockerd(dir, withPlugin) {
  mkdirSync(dir, { recursive: true });
  const sock = `${dir}/docker.sock`;
  const flags = ['--host', `unix://${sock}`, '--data-root', `${dir}/data`, '--exec-root', `${dir}/exec`, '--pidfile', `${dir}/docker.pid`, '--bridge', 'none', '--iptables=false', '--ip-masq=false', ...(withPlugin ? ['--authorization-plugin=bulkhead'] : [])];
  // own network namespace (--bridge none would delete the host's docker0) and own mount namespace (its /run/docker/plugins)
  const p = spawn('unshare', ['--net', '--mount', '--', 'sh', '-c', `mount --bind ${work}/plugins /run/docker/plugins && exec dockerd ${flags.join(' ')}`], { stdio: 'ignore' });
  const host = `unix://${sock}`;
  for (let i = 0; i < 200; i++) {
    if (spawnSync('docker', ['-H', host, 'version'], { stdio: 'ignore' }).status === 0) break;
    spawnSync('sleep', ['0.2']);
  }
  const ok = spawnSync('sh', ['-c', `docker save ${IMAGE} | docker -H ${host} load`], { stdio: 'ignore' }).status === 0;
  if (!ok) throw new Error(`dockerd in ${dir} did not come up with the image`);
  return { p, host, dir };
}

function stopDockerd(d) {
  d.p.kill('SIGTERM');
  spawnSync('sleep', ['3']);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(d.dir)).sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
}

async function runBench() {
  const plugin = await startPlugin(`${work}/plugins/bulkhead.sock`, `${work}/run.log`);
  const withP = startDockerd(`${work}/with`, true);
  const without = startDockerd(`${work}/without`, false);
  const args = ['run', '--rm', '--user', '65534:65534', '--cap-drop', 'ALL', '--read-only', '--memory', '64m', '--cpus', '0.5', '--pids-limit', '64', '--security-opt', 'no-new-privileges', '--network', 'none', IMAGE, 'true'];
  const time = (host) => {
    const t0 = performance.now();
    const r = spawnSync('docker', ['-H', host, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`docker run: ${r.stderr}`);
    return performance.now() - t0;
  };
  time(withP.host);
  time(without.host);
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(time(withP.host));
    b.push(time(without.host));
  }
  plugin.kill('SIGTERM');
  stopDockerd(withP);
  stopDockerd(without);
  console.log(`docker run --rm ${IMAGE} true, ${RUNS} runs each, alternating`);
  console.log(`  through the plugin: median ${median(a).toFixed(0)} ms; without: median ${median(b).toFixed(0)} ms; ratio ${(median(a) / median(b)).toFixed(3)}   (target <= 1.05)`);
}

try {
  const ours = await pluginBench();
  if (process.env.OPA_DOCKER_AUTHZ) await anchorBench(process.env.OPA_DOCKER_AUTHZ, ours);
  else console.log('opa-docker-authz anchor: not run (set OPA_DOCKER_AUTHZ=/path/to/opa-docker-authz; docs/authz.md says how it was built here)');
  if (process.argv[3] === 'plugin-only') console.log('docker run ratio: not measured (plugin-only)');
  else if (process.getuid?.() === 0) await runBench();
  else console.log('docker run ratio: skipped (needs root to start the second and third dockerd)');
} finally {
  agent.destroy();
  rmSync(work, { recursive: true, force: true });
}
