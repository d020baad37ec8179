import type { ContainerFacts } from '../../../src/audit/container/facts.js';

/** A hardened container's facts: every container rule stays silent on it. Cases override what they test. */
export function hardenedFacts(overrides: Partial<ContainerFacts> = {}): ContainerFacts {
  return {
    id: 'c0ffee0000000000000000000000000000000000000000000000000000000000',
    name: 'app',
    image: 'example/app:1',
    running: true,
    privileged: false,
    capAdd: [],
    capDrop: ['ALL'],
    mounts: [],
    namespaces: { pid: '', network: 'app', ipc: 'private', uts: '', userns: '', cgroupns: 'private' },
    devices: [],
    deviceCgroupRules: [],
    resources: { memory: 64 * 1024 * 1024, memorySwap: 64 * 1024 * 1024, nanoCpus: 500_000_000, cpuQuota: 0, cpuShares: 0, pidsLimit: 64, ulimits: [] },
    securityOpt: ['no-new-privileges:true'],
    appArmorProfile: '',
    user: '65534:65534',
    readOnlyRootfs: true,
    restart: { name: 'no', maxRetries: 0 },
    ports: [],
    env: [{ name: 'PATH', value: '/usr/bin:/bin' }],
    labels: {},
    tmpfs: {},
    healthcheck: ['CMD', '/bin/true'],
    engine: { seccomp: true, apparmor: false, selinux: false, userns: false, rootless: false, cgroupVersion: '2' },
    processes: { known: true, list: [{ pid: 4242, user: '65534', executable: 'app' }] },
    ...overrides,
  };
}
