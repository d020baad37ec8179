/**
 * Host file checks against this machine's real engine: what `audit host` says about the data
 * root's filesystem and the engine's files must agree with what stat says here.
 */
import { readFileSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE, docker, ensureTestImage, removeContainersLabelled } from '../../helpers/engine.js';
import { runCli } from '../../helpers/cli.js';
import { connectEngine } from '../../../src/engine/dockerode-client.js';
import type { Report, TargetResult } from '../../../src/audit/model.js';
import { collectHostFacts } from '../../../src/audit/host/collect.js';
import type { HostFacts } from '../../../src/audit/host/facts.js';

let host: TargetResult;
let dataRoot: string;
let facts: HostFacts;

const LABEL = 'bulkhead-test=hostchecks-local-files';

beforeAll(async () => {
  ensureTestImage();
  removeContainersLabelled(LABEL);
  // a running container, so containerd has a shim that names its socket
  docker(['run', '-d', '--name', `hostchecks-shim-${process.pid}`, '--label', LABEL, '--network', 'none', TEST_IMAGE, 'sleep', '600']);
  const engine = await connectEngine();
  dataRoot = String((await engine.info()).DockerRootDir);
  facts = (await collectHostFacts(engine, undefined)).facts;
  const { stdout } = await runCli(['audit', 'host', '--fs', 'none', '--format', 'json', '--fail-on', 'never', '--config', '/dev/null']);
  host = (JSON.parse(stdout) as Report).targets.find((t) => t.kind === 'host')!;
});

afterAll(() => removeContainersLabelled(LABEL));

describe('audit host on this machine', () => {
  it('HS023 fires exactly when the data root is on the same device as /', () => {
    const same = statSync(dataRoot).dev === statSync('/').dev;
    const hs023 = host.findings.filter((f) => f.ruleId === 'HS023');
    expect(hs023).toHaveLength(same ? 1 : 0);
    // on this host /var/lib/docker is a bind mount of a directory on / : the message says so
    if (same) expect(hs023[0]!.message).toContain(`engine data root ${dataRoot} `);
  });
});

/** Where containerd really listens, from its shims' -address (or containerd's own --address). */
/**
 * The -address of every containerd and shim of the engine audited here. Other tests start a
 * second dockerd in its own network namespace (unshare --net) at the same time: its containerd
 * is another engine's, so processes outside this test's network namespace are not counted.
 */
function containerdAddresses(): string[] {
  const out = new Set<string>();
  const ownNet = readlinkSync('/proc/self/ns/net');
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (readlinkSync(`/proc/${pid}/ns/net`) !== ownNet) continue;
    } catch {
      continue;
    }
    if (!/containerd(?:-shim[\w-]*)?$/.test(argv[0] ?? '')) continue;
    const i = argv.findIndex((a) => a === '-address' || a === '--address' || a === '-a');
    if (i >= 0 && argv[i + 1]) out.add(argv[i + 1]!);
  }
  return [...out];
}

describe('HS021 on this machine: the containerd socket', () => {
  it("checks the owner and mode of the socket containerd really listens on (a dockerd-managed containerd's too)", () => {
    const addresses = containerdAddresses();
    expect(addresses.length).toBeGreaterThan(0);
    const checked = new Set((facts.engineFiles ?? []).map((f) => f.path));
    for (const a of addresses) expect(checked.has(a), `${a} among ${[...checked].join(', ')}`).toBe(true);
    for (const f of facts.engineFiles!.filter((x) => x.path.endsWith('containerd.sock'))) expect(f).toMatchObject({ maxMode: 0o660, cis: ['3.23', '3.24'] });
  });
});

describe('HS021 on this machine: the registered runtimes\' binaries', () => {
  it('checks the binary of every runtime registered with a path (runc found in dockerd\'s PATH, runsc by its path)', () => {
    const runtimes = JSON.parse(docker(['info', '--format', '{{json .Runtimes}}'])) as Record<string, { path?: string }>;
    const files = (facts.engineFiles ?? []).filter((f) => f.maxMode === 0o755 && f.cis.length === 0);
    const names = new Set(files.map((f) => f.path.slice(f.path.lastIndexOf('/') + 1)));
    for (const r of Object.values(runtimes)) if (r.path) expect(names.has(r.path.slice(r.path.lastIndexOf('/') + 1)), `${r.path} among ${files.map((f) => f.path).join(', ')}`).toBe(true);
    for (const f of files) {
      const st = statSync(f.path);
      const wrong = (st.uid !== 0 || st.gid !== 0 ? 1 : 0) + ((st.mode & 0o7777 & ~0o755) !== 0 ? 1 : 0);
      expect(host.findings.filter((x) => x.ruleId === 'HS021' && x.location?.path === f.path), f.path).toHaveLength(wrong);
    }
  });
});

describe('HS022 on this machine: the CIS 1.1 paths auditd should watch', () => {
  it("expects the running dockerd's executable and containerd's socket wherever they are, each file once", () => {
    const expected = facts.auditd!.expected;
    const exes = readdirSync('/proc').flatMap((e) => {
      try {
        return /^\d+$/.test(e) && readFileSync(`/proc/${e}/comm`, 'utf8').trim() === 'dockerd' ? [realpathSync(`/proc/${e}/exe`)] : [];
      } catch {
        return []; // ended meanwhile
      }
    });
    expect(expected.filter((e) => e.cis === '1.1.3').map((e) => e.realPath).some((r) => exes.includes(r))).toBe(true);
    for (const a of containerdAddresses()) expect(expected.some((e) => e.cis === '1.1.8' && e.path === a)).toBe(true);
    for (const cis of new Set(expected.map((e) => e.cis))) {
      const real = expected.filter((e) => e.cis === cis).map((e) => e.realPath);
      expect(new Set(real).size, cis).toBe(real.length);
    }
  });
});
