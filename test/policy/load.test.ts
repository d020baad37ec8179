import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { BulkheadError } from '../../src/errors.js';
import { listBuiltinPolicies, loadPolicy, MAX_EXTENDS_DEPTH } from '../../src/policy/load.js';
import { planHash } from '../../src/policy/hash.js';
import { NOT_COMPARED, TIGHTENING } from '../../src/policy/tighten.js';
import { validateDocument } from '../../src/policy/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = 'apiVersion: bulkhead/v1\nkind: Policy\n';
/** Writes a policy file under the temp dir and returns its path; `body` follows apiVersion/kind. */
function policyFile(name: string, body: string): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${HEAD}${body}`);
  return file;
}

async function loadError(ref: string): Promise<BulkheadError> {
  try {
    await loadPolicy(ref, { cwd: dir });
  } catch (e) {
    expect(e).toBeInstanceOf(BulkheadError);
    expect((e as BulkheadError).kind).toBe('invalid-policy');
    return e as BulkheadError;
  }
  throw new Error(`${ref} loaded but should not have`);
}

describe('built-in policies', () => {
  it('are untrusted, default and service', () => {
    expect(listBuiltinPolicies()).toEqual(['default', 'sandboxed', 'service', 'untrusted']);
  });

  it.each(listBuiltinPolicies())('%s is valid against the shipped schema', async (name) => {
    const doc = parseYaml(readFileSync(new URL(`../../policies/${name}.yaml`, import.meta.url), 'utf8'));
    expect(await validateDocument(doc)).toBeUndefined();
  });

  it('untrusted is the strictest plan described in the issue', async () => {
    const { plan, name, chain } = await loadPolicy('untrusted');
    expect(name).toBe('untrusted');
    expect(chain).toEqual(['policies/untrusted.yaml']);
    expect(plan).toEqual({
      policyName: 'untrusted',
      user: { uid: 65534, gid: 65534, runAsNonRoot: true },
      capabilities: { drop: ['ALL'], add: [], allowed: [] },
      readOnlyRootFilesystem: true,
      tmpfs: [{ path: '/tmp', sizeBytes: 64 * 1024 * 1024, options: ['noexec', 'nosuid', 'nodev'] }],
      resources: {
        memoryBytes: 256 * 1024 * 1024,
        memorySwapBytes: 256 * 1024 * 1024,
        nanoCpus: 500_000_000,
        pidsLimit: 64,
        ulimits: [
          { name: 'core', soft: 0, hard: 0 },
          { name: 'nofile', soft: 1024, hard: 1024 },
          { name: 'nproc', soft: 64, hard: 64 },
        ],
      },
      noNewPrivileges: true,
      seccomp: { mode: 'generated', allowGroups: [] },
      apparmor: { mode: 'preferred', profileName: 'bulkhead-untrusted', allowRawSockets: false },
      network: { mode: 'none', allowPublish: false, publishHostIp: '127.0.0.1' },
      mounts: { allowReadWrite: false, deniedHostPaths: ['/', '/etc', '/proc', '/sys', '/dev', '/boot', '/root', '/run', '/var/run', '/var/lib/docker', '/var/lib/containerd'] },
      restart: { policy: 'on-failure', maxRetries: 3 },
      sandbox: { runtime: 'gvisor', mode: 'off' },
      gate: { enabled: true, failOn: 'high', allowSkip: false, setuidAllowlist: [], secretAllowlist: [] },
    });
  });

  it('default is the same shape with larger limits and a skippable critical gate', async () => {
    const { plan } = await loadPolicy();
    expect(plan.policyName).toBe('default');
    expect(plan.resources).toMatchObject({ memoryBytes: 512 * 1024 * 1024, memorySwapBytes: 512 * 1024 * 1024, nanoCpus: 1e9, pidsLimit: 256 });
    expect(plan.gate).toMatchObject({ enabled: true, failOn: 'critical', allowSkip: true });
    expect(plan.network.mode).toBe('none');
    expect(plan.readOnlyRootFilesystem).toBe(true);
  });

  it('service extends default: bridge, publish on 127.0.0.1, NET_BIND_SERVICE, restart cap 5', async () => {
    const { plan, chain } = await loadPolicy('service');
    expect(chain).toEqual(['policies/service.yaml', 'policies/default.yaml']);
    expect(plan.network).toEqual({ mode: 'bridge', allowPublish: true, publishHostIp: '127.0.0.1' });
    expect(plan.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'], allowed: ['NET_BIND_SERVICE'] });
    expect(plan.restart).toEqual({ policy: 'on-failure', maxRetries: 5 });
    expect(plan.resources.memoryBytes).toBe(512 * 1024 * 1024);
  });
});

describe('a policy file', () => {
  it('without extends takes omitted fields from default', async () => {
    const file = policyFile('minimal.yaml', 'metadata:\n  name: minimal\nresources:\n  limits:\n    memory: 1g\n');
    const loaded = await loadPolicy('minimal.yaml', { cwd: dir });
    const base = await loadPolicy('default');
    expect(loaded.source).toBe(file);
    expect(loaded.plan.policyName).toBe('minimal.yaml');
    expect(loaded.plan.resources.memoryBytes).toBe(1024 ** 3);
    expect({ ...loaded.plan.resources, memoryBytes: 0, memorySwapBytes: 0 }).toEqual({ ...base.plan.resources, memoryBytes: 0, memorySwapBytes: 0 });
    expect(loaded.plan.gate).toEqual(base.plan.gate);
    // nothing is overridable unless the file says so
    expect(loaded.policy.overridable).toEqual([]);
  });

  it('swap adds to memory', async () => {
    policyFile('swap.yaml', 'metadata: {name: swap}\nresources:\n  limits:\n    memory: 256m\n    swap: 256m\n');
    const { plan } = await loadPolicy('swap.yaml', { cwd: dir });
    expect(plan.resources.memorySwapBytes).toBe(512 * 1024 * 1024);
  });

  it('the AppArmor profile name is bulkhead-<name>, with -raw when raw sockets are allowed', async () => {
    expect((await loadPolicy('service')).plan.apparmor.profileName).toBe('bulkhead-service');
    policyFile('raw.yaml', 'metadata: {name: pinger}\nsecurityContext:\n  appArmorProfile: {allowRawSockets: true}\n');
    const { plan } = await loadPolicy('raw.yaml', { cwd: dir });
    expect(plan.apparmor).toEqual({ mode: 'preferred', profileName: 'bulkhead-pinger-raw', allowRawSockets: true });
  });

  it('tmpfs can be made executable, which the plan records as exec', async () => {
    policyFile('exec.yaml', 'metadata: {name: exec}\ntmpfs:\n  - path: /work\n    size: 16m\n    noexec: false\n');
    const { plan } = await loadPolicy('exec.yaml', { cwd: dir });
    expect(plan.tmpfs).toEqual([{ path: '/work', sizeBytes: 16 * 1024 * 1024, options: ['exec', 'nosuid', 'nodev'] }]);
  });
});

describe('errors name the file, the field and the line', () => {
  it.each([
    ['memory pattern', 'metadata:\n  name: x\nresources:\n  limits:\n    memory: 12\n', 'resources.limits.memory: must match /^[0-9]+[kmg]$/ (line 7)'],
    ['memory floor', 'metadata:\n  name: x\nresources:\n  limits:\n    memory: 1m\n', 'resources.limits.memory: must be at least 6m (the engine refuses less), got 1m (line 7)'],
    ['cpu zero', 'metadata:\n  name: x\nresources:\n  limits:\n    cpu: "0"\n', 'resources.limits.cpu: CPU amount must be above 0: "0" (line 7)'],
    ['privileged', 'metadata:\n  name: x\nprivileged: true\n', 'privileged: not expressible: bulkhead never runs privileged containers (line 5)'],
    ['hostNetwork', 'metadata:\n  name: x\nsecurityContext:\n  hostNetwork: true\n', 'securityContext.hostNetwork: not expressible: bulkhead never shares the host network namespace (line 6)'],
    ['unknown field', 'metadata:\n  name: x\nnetwork:\n  mod: none\n', 'network.mod: unknown field (expected one of: mode, allowPublish, publishHostIp) (line 6)'],
    ['unconfined seccomp', 'metadata:\n  name: x\nsecurityContext:\n  seccompProfile:\n    type: Unconfined\n', 'securityContext.seccompProfile.type: must be one of: Generated, RuntimeDefault (unconfined is not expressible) (line 7)'],
    ['root with runAsNonRoot', 'metadata:\n  name: x\nsecurityContext:\n  runAsNonRoot: true\n  runAsUser: 0\n', 'securityContext.runAsUser: uid 0 (root) needs runAsNonRoot: false, and bulkhead still refuses to run it; use a non-root uid (line 7)'],
    ['restart always', 'metadata:\n  name: x\nrestartPolicy:\n  name: always\n', 'restartPolicy.name: must be one of: no, on-failure (line 6)'],
    ['restart unbounded', 'metadata:\n  name: x\nrestartPolicy:\n  name: on-failure\n  maximumRetryCount: 0\n', 'restartPolicy.maximumRetryCount: on-failure needs a retry cap of at least 1 (the engine treats 0 as unlimited) (line 7)'],
    ['capability', 'metadata:\n  name: x\nsecurityContext:\n  capabilities:\n    add:\n      - CHOWN\n      - SYS_ADMIN\n', 'securityContext.capabilities.add[1]: must be one of: AUDIT_READ'],
    ['drop not ALL', 'metadata:\n  name: x\nsecurityContext:\n  capabilities:\n    drop: [NET_RAW]\n', 'securityContext.capabilities.drop[0]: must be "ALL" (line 7)'],
    ['tmpfs item', 'metadata:\n  name: x\ntmpfs:\n  - path: /tmp\n    size: 64m\n  - path: /run\n    size: lots\n', 'tmpfs[1].size: must match /^[0-9]+[kmg]$/ (line 9)'],
    ['tmpfs twice', 'metadata:\n  name: x\ntmpfs:\n  - path: /tmp\n    size: 64m\n  - path: /tmp\n    size: 1m\n', 'tmpfs[1].path: /tmp is listed twice (line 8)'],
    ['ulimit shape', 'metadata:\n  name: x\nulimits:\n  nofile: lots\n', 'ulimits.nofile: must be an integer >= 0, or {soft, hard} (line 6)'],
    ['ulimit soft above hard', 'metadata:\n  name: x\nulimits:\n  nofile: {soft: 10, hard: 5}\n', 'ulimits.nofile.soft: soft limit 10 is above the hard limit 5 (line 6)'],
    ['ulimit unknown', 'metadata:\n  name: x\nulimits:\n  nofiles: 10\n', 'ulimits.nofiles: unknown field (line 6)'],
    ['missing name', 'metadata:\n  description: x\n', 'metadata.name: is required (line 3)'],
    ['apiVersion', 'metadata:\n  name: x\n'.replace(/^/, ''), ''],
    ['requires too new', 'metadata:\n  name: x\nrequires: ">=9.0.0"\n', 'requires: needs bulkhead >=9.0.0, this is 0.1.0 (line 5)'],
    ['requires garbage', 'metadata:\n  name: x\nrequires: "soon"\n', 'requires: not a semver range: "soon" (line 5)'],
    ['publish ip', 'metadata:\n  name: x\nnetwork:\n  publishHostIp: localhost\n', 'network.publishHostIp: must match'],
    ['secret allowlist without sha256', 'metadata:\n  name: x\ngate:\n  secretAllowlist:\n    - path: /app/test/key.pem\n', 'gate.secretAllowlist[0].sha256: is required'],
    ['secret allowlist short sha256', 'metadata:\n  name: x\ngate:\n  secretAllowlist:\n    - path: /app/test/key.pem\n      sha256: abc123\n', 'gate.secretAllowlist[0].sha256: must match /^[a-f0-9]{64}$/ (line 8)'],
    ['secret allowlist relative path', 'metadata:\n  name: x\ngate:\n  secretAllowlist:\n    - path: app/key.pem\n      sha256: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n', 'gate.secretAllowlist[0].path: must match /^// (line 7)'],
    ['publish ip range', 'metadata:\n  name: x\nnetwork:\n  publishHostIp: 300.1.1.1\n', 'network.publishHostIp: not an IP address: 300.1.1.1 (line 6)'],
    ['overridable typo', 'metadata:\n  name: x\noverridable:\n  - network\n  - resources.limits.memroy\n', "overridable[1]: 'resources.limits.memroy' is not a field a child could loosen (line 7)"],
    ['overridable near miss', 'metadata:\n  name: x\noverridable: [network.Mode]\n', "overridable[0]: 'network.Mode' is not a field a child could loosen (did you mean network.mode?) (line 5)"],
  ])('%s', async (label, body, expected) => {
    if (label === 'apiVersion') {
      writeFileSync(join(dir, 'api.yaml'), 'apiVersion: bulkhead/v2\nkind: Policy\nmetadata:\n  name: x\n');
      const e = await loadError('api.yaml');
      expect(e.message).toBe('api.yaml: apiVersion: must be "bulkhead/v1" (line 1)');
      return;
    }
    const name = `${label.replace(/\W+/g, '-')}.yaml`;
    policyFile(name, body);
    const e = await loadError(name);
    expect(e.message.startsWith(`${name}: ${expected}`), e.message).toBe(true);
    expect(e.message).not.toContain('\n');
  });

  it('invalid YAML gives the parser line', async () => {
    writeFileSync(join(dir, 'broken.yaml'), `${HEAD}metadata:\n  name: x\n  bad: [1, 2\n`);
    expect((await loadError('broken.yaml')).message).toMatch(/^broken\.yaml: invalid YAML: .+ \(line \d+\)$/);
  });

  it('a file that is not a mapping is refused', async () => {
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    expect((await loadError('list.yaml')).message).toBe('list.yaml: a policy must be a YAML mapping (apiVersion, kind, metadata, ...)');
  });

  it('an empty name and a directory are refused with a readable message', async () => {
    expect((await loadError('')).message).toBe('empty policy name (built-ins: default, sandboxed, service, untrusted, or a YAML file)');
    expect((await loadError('.')).message).toBe(`${dir}: cannot read policy: is a directory`);
  });

  it('a missing file and an unknown built-in are named', async () => {
    expect((await loadError('nope.yaml')).message).toBe('nope.yaml: cannot read policy: no such file');
    expect((await loadError('strict')).message).toBe("unknown policy 'strict' (built-ins: default, sandboxed, service, untrusted; use ./strict for a file)");
  });

  it('paths outside cwd are shown absolute', async () => {
    const file = policyFile('abs/bad.yaml', 'metadata:\n  name: x\nnetwork:\n  mode: host\n');
    expect((await loadError(file)).message).toBe('abs/bad.yaml: network.mode: must be one of: none, bridge (line 6)');
    await expect(loadPolicy(file, { cwd: join(dir, 'elsewhere') })).rejects.toThrow(`${file}: network.mode: must be one of: none, bridge (line 6)`);
  });
});

describe('extends and the tighten-only rule', () => {
  it('a child may tighten anything', async () => {
    policyFile('tight.yaml', 'metadata: {name: tight}\nextends: untrusted\nresources:\n  limits:\n    memory: 128m\n    pids: 32\ngate:\n  failOn: medium\ntmpfs:\n  - path: /tmp\n    size: 16m\n');
    const { plan, chain } = await loadPolicy('tight.yaml', { cwd: dir });
    expect(chain).toEqual(['tight.yaml', 'policies/untrusted.yaml']);
    expect(plan.resources.memoryBytes).toBe(128 * 1024 * 1024);
    expect(plan.resources.memorySwapBytes).toBe(128 * 1024 * 1024);
    expect(plan.resources.pidsLimit).toBe(32);
    expect(plan.resources.nanoCpus).toBe(500_000_000);
    expect(plan.gate.failOn).toBe('medium');
    expect(plan.tmpfs[0]!.sizeBytes).toBe(16 * 1024 * 1024);
  });

  it('loosening a field names it, both values and the line', async () => {
    policyFile('loose.yaml', 'metadata: {name: loose}\nextends: untrusted\nresources:\n  limits:\n    memory: 512m\nnetwork:\n  mode: bridge\n');
    const e = await loadError('loose.yaml');
    expect(e.message).toBe(
      "loose.yaml: resources.limits.memory: loosens policies/untrusted.yaml (256m -> 512m); a child may only tighten unless the parent lists 'resources.limits.memory' in overridable (line 7)",
    );
    expect(e.details).toEqual([
      "network.mode: loosens policies/untrusted.yaml (none -> bridge); a child may only tighten unless the parent lists 'network.mode' in overridable",
    ]);
  });

  it.each([
    ['gate failOn', 'gate:\n  failOn: critical\n', 'gate.failOn', 'high -> critical'],
    ['gate skip', 'gate:\n  allowSkip: true\n', 'gate.allowSkip', 'false -> true'],
    ['capability', 'securityContext:\n  capabilities:\n    add: [CHOWN]\n', 'securityContext.capabilities.add', '[] -> [CHOWN]'],
    ['seccomp', 'securityContext:\n  seccompProfile:\n    type: RuntimeDefault\n', 'securityContext.seccompProfile.type', 'Generated -> RuntimeDefault'],
    ['seccomp groups', 'securityContext:\n  seccompProfile:\n    allowGroups: [memfd]\n', 'securityContext.seccompProfile.allowGroups', '[] -> [memfd]'],
    ['apparmor', 'securityContext:\n  appArmorProfile:\n    mode: disabled\n', 'securityContext.appArmorProfile.mode', 'preferred -> disabled'],
    ['rw root', 'securityContext:\n  readOnlyRootFilesystem: false\n', 'securityContext.readOnlyRootFilesystem', 'true -> false'],
    ['escalation', 'securityContext:\n  allowPrivilegeEscalation: true\n', 'securityContext.allowPrivilegeEscalation', 'false -> true'],
    ['cpu', 'resources:\n  limits:\n    cpu: 1500m\n', 'resources.limits.cpu', '0.5 -> 1500m'],
    ['tmpfs new path', 'tmpfs:\n  - path: /var/tmp\n    size: 1m\n', 'tmpfs[0].path', '[/tmp] -> /var/tmp'],
    ['tmpfs exec', 'tmpfs:\n  - path: /tmp\n    size: 1m\n    noexec: false\n', 'tmpfs[0].noexec', 'true -> false'],
    ['ulimit', 'ulimits:\n  nofile: {soft: 1024, hard: 4096}\n', 'ulimits.nofile', '1024 -> {"soft":1024,"hard":4096}'],
    ['publish ip', 'network:\n  publishHostIp: 0.0.0.0\n', 'network.publishHostIp', '127.0.0.1 -> 0.0.0.0'],
    ['denied paths', 'mounts:\n  deniedHostPaths: [/etc]\n', 'mounts.deniedHostPaths', '-> [/etc]'],
    ['rw mounts', 'mounts:\n  allowReadWrite: true\n', 'mounts.allowReadWrite', 'false -> true'],
    ['restart count', 'restartPolicy:\n  name: on-failure\n  maximumRetryCount: 10\n', 'restartPolicy.maximumRetryCount', '3 -> 10'],
    ['setuid', 'gate:\n  setuidAllowlist:\n    - path: /bin/ping\n', 'gate.setuidAllowlist[0]', '[] -> {"path":"/bin/ping"}'],
    ['secret', 'gate:\n  secretAllowlist:\n    - path: /app/test/key.pem\n      sha256: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n', 'gate.secretAllowlist[0]', '[] -> {"path":"/app/test/key.pem","sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}'],
    ['root', 'securityContext:\n  runAsNonRoot: false\n', 'securityContext.runAsNonRoot', 'true -> false'],
  ])('loosening %s is refused', async (label, body, field, values) => {
    const name = `loosen-${label.replace(/\W+/g, '-')}.yaml`;
    policyFile(name, `metadata: {name: child}\nextends: untrusted\n${body}`);
    const e = await loadError(name);
    expect(e.message).toContain(`${name}: ${field}: loosens policies/untrusted.yaml (`);
    expect(e.message).toContain(values);
    expect(e.message).toMatch(/\(line \d+\)$/);
  });

  it('tightening each of those the other way is accepted', async () => {
    policyFile('tighter.yaml', [
      'metadata: {name: tighter}',
      'extends: default',
      'gate: {failOn: high, allowSkip: false}',
      'securityContext:',
      '  seccompProfile: {allowGroups: [sysv-ipc]}',
      '  appArmorProfile: {mode: required}',
      'restartPolicy: {name: "no"}',
      'mounts: {deniedHostPaths: [/, /etc, /proc, /sys, /dev, /boot, /root, /run, /var/run, /var/lib/docker, /var/lib/containerd, /home]}',
      'ulimits: {nofile: {soft: 512, hard: 1024}, stack: 8388608}',
      '',
    ].join('\n'));
    const { plan } = await loadPolicy('tighter.yaml', { cwd: dir });
    expect(plan.gate).toMatchObject({ failOn: 'high', allowSkip: false });
    expect(plan.apparmor.mode).toBe('required');
    expect(plan.restart).toEqual({ policy: 'no', maxRetries: 0 });
    expect(plan.mounts.deniedHostPaths).toContain('/home');
    expect(plan.resources.ulimits).toContainEqual({ name: 'nofile', soft: 512, hard: 1024 });
    expect(plan.resources.ulimits).toContainEqual({ name: 'stack', soft: 8388608, hard: 8388608 });
  });

  it('fields the parent lists as overridable may loosen, and the list is inherited down the chain', async () => {
    policyFile('web.yaml', 'metadata: {name: web}\nextends: service\nsecurityContext:\n  capabilities:\n    add: [NET_BIND_SERVICE, CHOWN]\n');
    const { plan, chain } = await loadPolicy('web.yaml', { cwd: dir });
    expect(chain).toEqual(['web.yaml', 'policies/service.yaml', 'policies/default.yaml']);
    expect(plan.capabilities.add).toEqual(['CHOWN', 'NET_BIND_SERVICE']);
  });

  it('a parent file can mark a field overridable for its children', async () => {
    policyFile('ov/parent.yaml', 'metadata: {name: parent}\nextends: untrusted\noverridable: [resources.limits]\n');
    policyFile('ov/child.yaml', 'metadata: {name: child}\nextends: ./parent.yaml\nresources:\n  limits:\n    memory: 1g\n');
    const { plan, chain } = await loadPolicy('ov/child.yaml', { cwd: dir });
    // extends is resolved relative to the file, not to cwd
    expect(chain).toEqual(['ov/child.yaml', 'ov/parent.yaml', 'policies/untrusted.yaml']);
    expect(plan.resources.memoryBytes).toBe(1024 ** 3);
  });

  it('a cycle is refused and the chain is named', async () => {
    policyFile('cyc/a.yaml', 'metadata: {name: a}\nextends: ./b.yaml\n');
    policyFile('cyc/b.yaml', 'metadata: {name: b}\nextends: ./a.yaml\n');
    expect((await loadError('cyc/a.yaml')).message).toBe('cyc/a.yaml: extends cycle: cyc/a.yaml -> cyc/b.yaml -> cyc/a.yaml');
  });

  it(`nesting deeper than ${MAX_EXTENDS_DEPTH} is refused`, async () => {
    policyFile('deep/p0.yaml', 'metadata: {name: p0}\nextends: untrusted\n');
    for (let i = 1; i <= MAX_EXTENDS_DEPTH + 1; i++) policyFile(`deep/p${i}.yaml`, `metadata: {name: p${i}}\nextends: ./p${i - 1}.yaml\n`);
    const ok = await loadPolicy(`deep/p${MAX_EXTENDS_DEPTH - 1}.yaml`, { cwd: dir });
    expect(ok.chain).toHaveLength(MAX_EXTENDS_DEPTH + 1);
    expect((await loadError(`deep/p${MAX_EXTENDS_DEPTH + 1}.yaml`)).message).toMatch(/extends nests deeper than 8: deep\/p9\.yaml -> deep\/p8\.yaml -> .* -> deep\/p0\.yaml$/);
  });

  it('an unknown parent is named with the file that asked for it', async () => {
    policyFile('orphan.yaml', 'metadata: {name: orphan}\nextends: strictest\n');
    expect((await loadError('orphan.yaml')).message).toBe("orphan.yaml: extends: unknown policy 'strictest' (built-ins: default, sandboxed, service, untrusted; use ./strictest for a file)");
    policyFile('orphan2.yaml', 'metadata: {name: orphan}\nextends: ./gone.yaml\n');
    expect((await loadError('orphan2.yaml')).message).toBe('gone.yaml: cannot read policy: no such file');
  });

  it('an error in a parent names the parent file', async () => {
    policyFile('badparent/p.yaml', 'metadata: {name: p}\nresources:\n  limits:\n    pids: 0\n');
    policyFile('badparent/c.yaml', 'metadata: {name: c}\nextends: ./p.yaml\n');
    expect((await loadError('badparent/c.yaml')).message).toBe('badparent/p.yaml: resources.limits.pids: must be >= 1 (line 6)');
  });
});

describe('the tighten table', () => {
  it('covers every field of a resolved policy (or says why not)', async () => {
    const { policy } = await loadPolicy('untrusted');
    const leaves: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && path !== 'ulimits') {
        for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
      } else leaves.push(path);
    };
    walk(policy, '');
    const covered = (p: string) => p in TIGHTENING || NOT_COMPARED.some((n) => p === n || p.startsWith(`${n}.`));
    expect(leaves.filter((p) => !covered(p))).toEqual([]);
  });
});

describe('planHash', () => {
  it('is the same for the same rules reached by different names, and changes with any rule', async () => {
    policyFile('same.yaml', 'metadata: {name: untrusted}\nextends: untrusted\n');
    const a = await loadPolicy('untrusted');
    const b = await loadPolicy('same.yaml', { cwd: dir });
    const c = await loadPolicy(join(dir, 'same.yaml'));
    expect(planHash(a.plan)).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash(b.plan)).toBe(planHash(a.plan));
    expect(planHash(c.plan)).toBe(planHash(a.plan));
    expect(planHash({ ...a.plan, resources: { ...a.plan.resources, pidsLimit: 63 } })).not.toBe(planHash(a.plan));
  });

  it('does not depend on key order', async () => {
    const { plan } = await loadPolicy('untrusted');
    const reordered = Object.fromEntries(Object.entries(plan).reverse()) as typeof plan;
    expect(planHash(reordered)).toBe(planHash(plan));
  });
});
