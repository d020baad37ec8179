/**
 * CT032 (sshd inside a container) on the real engine, through this host's /proc and through GET
 * /containers/{id}/top, which must agree: a
 * container running a process whose executable is named sshd (a copy of busybox, running
 * `sleep`) is reported; one that merely greps for "sshd" is not; a container sharing the host
 * PID namespace is not reported for an sshd the host runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE, busyboxPath, docker, ensureTestImage, removeContainersLabelled } from '../../helpers/engine.js';
import { connectEngine } from '../../../src/engine/dockerode-client.js';
import { DockerApiError, type EngineClient } from '../../../src/engine/client.js';
import { auditContainers } from '../../../src/audit/container/audit.js';
import { TOP_PS_ARGS, processesFromTop } from '../../../src/audit/container/normalize.js';
import { hostProcessTable } from '../../../src/audit/container/host-processes.js';
import type { TargetResult } from '../../../src/audit/model.js';

const LABEL = 'bulkhead-test=hostchecks-sshd';
const sfx = process.pid;
const names = { sshd: `hostchecks-sshd-${sfx}`, grep: `hostchecks-grep-${sfx}`, pidHost: `hostchecks-pidhost-${sfx}`, created: `hostchecks-created-${sfx}` };
let engine: EngineClient;
let hostSshd: ChildProcess;
let hostDir: string;
let targets: TargetResult[];

const ct032 = (name: string) => targets.find((t) => t.name === name)!.findings.filter((f) => f.ruleId === 'CT032');

beforeAll(async () => {
  ensureTestImage();
  removeContainersLabelled(LABEL);
  engine = await connectEngine();
  // busybox picks its applet from argv[0]: run the copy named sshd with argv[0] "busybox"
  docker(['run', '-d', '--name', names.sshd, '--label', LABEL, '--network', 'none', '--entrypoint', 'sh', TEST_IMAGE, '-c', 'mkdir -p /usr/sbin && cp /bin/busybox /usr/sbin/sshd && exec -a busybox /usr/sbin/sshd sleep 600']);
  docker(['run', '-d', '--name', names.grep, '--label', LABEL, '--network', 'none', '--entrypoint', 'sh', TEST_IMAGE, '-c', 'sleep 600 | grep sshd']);
  docker(['create', '--name', names.created, '--label', LABEL, '--network', 'none', TEST_IMAGE, 'sleep', '600']);
  // an sshd of the host's own, and a container that sees every host process
  hostDir = mkdtempSync(join(tmpdir(), 'hostchecks-sshd-'));
  copyFileSync(busyboxPath(), join(hostDir, 'sshd'));
  hostSshd = spawn(join(hostDir, 'sshd'), ['sleep', '600'], { argv0: 'busybox', stdio: 'ignore' });
  docker(['run', '-d', '--name', names.pidHost, '--label', LABEL, '--network', 'none', '--pid', 'host', TEST_IMAGE, 'sleep', '600']);
  // the copy is in place and exec'd once its top shows it
  for (let i = 0; i < 50; i++) {
    const top = processesFromTop(await engine.topContainer(names.sshd, TOP_PS_ARGS));
    if (top.known && top.list.some((p) => p.executable === 'sshd')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  targets = await auditContainers(engine, { refs: Object.values(names), fs: 'none' });
});

afterAll(() => {
  hostSshd?.kill();
  removeContainersLabelled(LABEL);
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

describe('CT032 on the real engine', () => {
  it('top lists the executable name, not the argv the process shows', async () => {
    const top = processesFromTop(await engine.topContainer(names.sshd, TOP_PS_ARGS));
    expect(top).toMatchObject({ known: true, list: [{ user: 'root', executable: 'sshd' }] });
  });

  it("this host's /proc gives the same processes as the engine's top, and the audit agrees either way", async () => {
    for (const name of [names.sshd, names.grep, names.pidHost]) {
      const inspect = await engine.inspectContainer(name);
      const local = hostProcessTable().of({ id: inspect.Id, pid: inspect.State.Pid, runtime: inspect.HostConfig.Runtime });
      const top = processesFromTop(await engine.topContainer(name, TOP_PS_ARGS));
      const rows = (p: typeof top | undefined) => (p?.known ? p.list.map((x) => `${x.pid} ${x.user} ${x.executable}`).sort() : p);
      expect(rows(local), name).toEqual(rows(top));
    }
    const viaEngine = await auditContainers(engine, { refs: Object.values(names), fs: 'none', processes: 'engine' });
    const ids = (ts: TargetResult[]) => ts.map((t) => `${t.name}: ${t.findings.map((f) => f.ruleId).sort().join(' ')}`);
    expect(ids(viaEngine)).toEqual(ids(targets));
  });

  it('fires on the container running a process named sshd', () => {
    const [f, ...more] = ct032(names.sshd);
    expect(more).toEqual([]);
    expect(f!.message).toMatch(new RegExp(`^container ${names.sshd} runs an SSH server: sshd \\(host pid \\d+\\)$`));
  });

  it('does not fire on a container that only greps for sshd', () => {
    expect(ct032(names.grep)).toEqual([]);
  });

  it("does not fire on a --pid host container for the host's own sshd", () => {
    // the trap is set: the host runs an sshd, and ps inside the container sees it
    expect(readFileSync(`/proc/${hostSshd.pid}/comm`, 'utf8').trim()).toBe('sshd');
    expect(docker(['exec', names.pidHost, 'ps', '-o', 'pid,comm'])).toMatch(new RegExp(`^\\s*${hostSshd.pid}\\s+sshd$`, 'm'));
    const t = targets.find((x) => x.name === names.pidHost)!;
    expect(t.findings.map((f) => f.ruleId)).toContain('CT006');
    expect(ct032(names.pidHost)).toEqual([]);
  });

  it('a container that is not running has no process list: no finding, no error', () => {
    const t = targets.find((x) => x.name === names.created)!;
    expect(ct032(names.created)).toEqual([]);
    expect(t.errors).toEqual([]);
  });

  it('a top the engine refuses is a "processes not checked" error; one for a container stopped meanwhile is not', async () => {
    const failing = (status: number): EngineClient => {
      const e = Object.create(engine) as EngineClient;
      e.topContainer = () => Promise.reject(new DockerApiError('top of container', status, status === 409 ? 'container is not running' : 'ps: executable file not found'));
      return e;
    };
    // processes: 'engine', since this host's /proc would answer without the engine's top
    const [broken] = await auditContainers(failing(500), { refs: [names.sshd], fs: 'none', processes: 'engine' });
    expect(broken!.errors.map((e) => e.message)).toEqual(['processes not checked: ps: executable file not found']);
    expect(broken!.findings.filter((f) => f.ruleId === 'CT032')).toEqual([]);
    const [stopped] = await auditContainers(failing(409), { refs: [names.sshd], fs: 'none', processes: 'engine' });
    expect(stopped!.errors).toEqual([]);
  });
});
