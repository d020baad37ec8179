import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../../src/audit/rules/registry.js';
import { CIS_RECOMMENDATIONS, CIS_SECTIONS, cisRecommendation, compareCisIds } from '../../../src/audit/cis/docker-1.6.0.js';
import { AUDITED_PATHS, ENGINE_FILES, TLS_FILES } from '../../../src/audit/host/engine-files.js';

/**
 * Hand-checked against the benchmark: for each rule, the CIS ids it must cite and a phrase the
 * CIS title of that id must contain (lower case). A rule whose subject has no recommendation in
 * v1.6.0 maps to {}. A renumbering (the off-by-one of section 5) or a wrong subject fails here.
 */
const EXPECTED: Record<string, Record<string, string>> = {
  CT001: { '5.5': 'privileged containers' },
  CT002: { '5.4': 'capabilities' },
  CT003: { '5.4': 'capabilities' },
  CT004: { '5.32': 'docker socket' },
  CT005: { '5.6': 'sensitive host system directories' },
  CT006: { '5.16': 'process namespace' },
  CT007: { '5.10': 'network namespace' },
  CT008: { '5.17': 'ipc namespace' },
  CT009: { '5.21': 'uts namespace' },
  CT010: { '5.31': 'user namespaces' },
  CT011: {}, // cgroup namespace: 5.25 is about --cgroup-parent, not the cgroup namespace
  CT012: { '5.18': 'host devices' },
  CT013: { '5.11': 'memory' },
  CT014: { '5.12': 'cpu' },
  CT015: { '5.29': 'pids' },
  CT016: { '5.22': 'seccomp' },
  CT017: { '5.2': 'apparmor' },
  CT018: { '5.26': 'acquiring additional privileges' },
  CT019: { '4.1': 'user for the container' },
  CT020: { '5.13': 'read only' },
  CT021: { '5.15': 'restart policy' },
  CT022: { '5.14': 'specific host interface' },
  CT023: { '5.20': 'mount propagation' },
  CT024: { '4.10': 'secrets' },
  CT025: { '4.8': 'setuid' },
  CT026: { '4.10': 'secrets' },
  CT027: {},
  CT028: {},
  CT029: { '5.27': 'health' },
  CT030: { '5.30': 'default bridge' },
  CT031: { '5.8': 'privileged ports' },
  CT035: { '5.9': 'needed ports' },
  CT032: { '5.7': 'sshd is not run within containers' },
  DF001: { '4.1': 'user for the container' },
  DF004: { '4.8': 'setuid' },
  DF008: { '4.9': 'copy is used instead of add' },
  DF009: { '4.9': 'copy is used instead of add' },
  DF011: { '4.10': 'secrets' },
  DF012: { '4.11': 'verified packages' },
  DF014: { '4.10': 'secrets' },
  DF015: { '4.10': 'secrets' },
  DF016: { '4.10': 'secrets' },
  DF017: { '4.3': 'unnecessary packages', '5.7': 'sshd' },
  DF038: { '4.10': 'secrets are not stored in dockerfiles' },
  DF019: { '4.7': 'update instructions' },
  DF020: { '4.3': 'unnecessary packages' },
  DF030: { '4.6': 'healthcheck' },
  DF031: { '4.10': 'secrets' },
  DF034: { '4.2': 'trusted base images' },
  HS001: { '1.2.2': 'version of docker is up to date' },
  HS002: { '2.9': 'user namespace' },
  HS003: { '2.2': 'network traffic is restricted between containers' },
  HS004: { '2.15': 'live restore' },
  HS005: { '2.14': 'acquiring new privileges' },
  HS006: {}, // log rotation: 2.13 asks for centralized, remote logging, which this rule does not check
  HS007: { '2.8': 'default ulimit' },
  HS008: { '2.7': 'tls' },
  HS009: { '2.18': 'experimental' },
  HS010: { '2.5': 'insecure registries' },
  HS011: { '3.15': 'docker socket file ownership', '3.16': 'docker socket file permissions' },
  HS012: { '1.1.2': 'trusted users' },
  HS013: { '5.2': 'apparmor', '5.3': 'selinux' },
  HS014: { '5.22': 'seccomp' },
  HS015: {},
  HS016: { '2.1': 'non-root user' },
  HS017: { '4.1': 'user for the container' },
  HS018: { '6.1': 'image sprawl' },
  HS019: { '2.16': 'userland proxy' },
  HS020: { '3.17': 'daemon.json file ownership', '3.18': 'daemon.json file permissions' },
  HS021: {
    '3.1': 'docker.service file ownership',
    '3.2': 'docker.service file permissions',
    '3.3': 'docker.socket file ownership',
    '3.4': 'docker.socket file permissions',
    '3.5': '/etc/docker directory ownership',
    '3.6': '/etc/docker directory permissions',
    '3.7': 'registry certificate file ownership',
    '3.8': 'registry certificate file permissions',
    '3.9': 'tls ca certificate file ownership',
    '3.10': 'tls ca certificate file permissions',
    '3.11': 'server certificate file ownership',
    '3.12': 'server certificate file permissions',
    '3.13': 'key file ownership',
    '3.14': 'key file permissions',
    '3.19': '/etc/default/docker file ownership',
    '3.20': '/etc/default/docker file permissions',
    '3.21': '/etc/sysconfig/docker file permissions',
    '3.22': '/etc/sysconfig/docker file ownership',
    '3.23': 'containerd socket file ownership',
    '3.24': 'containerd socket file permissions',
  },
  HS022: {
    '1.1.3': 'auditing is configured for the docker daemon',
    '1.1.4': '/run/containerd',
    '1.1.5': '/var/lib/docker',
    '1.1.6': '/etc/docker',
    '1.1.7': 'docker.service',
    '1.1.8': 'containerd.sock',
    '1.1.9': 'docker.socket',
    '1.1.10': '/etc/default/docker',
    '1.1.11': '/etc/docker/daemon.json',
    '1.1.12': '/etc/containerd/config.toml',
    '1.1.13': '/etc/sysconfig/docker',
    '1.1.14': '/usr/bin/containerd',
    '1.1.15': '/usr/bin/containerd-shim',
    '1.1.16': '/usr/bin/containerd-shim-runc-v1',
    '1.1.17': '/usr/bin/containerd-shim-runc-v2',
    '1.1.18': '/usr/bin/runc',
  },
  HS023: { '1.1.1': 'separate partition' },
  HS024: { '2.4': 'iptables' },
  HS025: { '2.6': 'aufs' },
  HS026: { '2.3': 'logging level' },
  HS027: { '2.12': 'authorization' },
  HS028: { '6.2': 'container sprawl' },
  HS029: { '5.1': 'swarm mode is not enabled' },
  HS030: { '7.1': 'minimum number of manager nodes' },
  HS031: { '7.3': 'overlay networks are encrypted' },
  HS032: { '7.5': 'auto-lock mode' },
  HS033: { '7.7': 'node certificates are rotated' },
  IM001: { '4.8': 'setuid' },
  IM007: { '4.1': 'user for the container' },
  IM008: { '5.7': 'sshd' },
  IM009: { '4.6': 'healthcheck' },
};

describe('CIS Docker Benchmark v1.6.0 table', () => {
  it('holds every recommendation of sections 1-7 once, in benchmark order', () => {
    const ids = CIS_RECOMMENDATIONS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort(compareCisIds)).toEqual(ids);
    // per (sub)section: 1.1.1-1.1.18, 1.2.1-1.2.2, 2.1-2.18, 3.1-3.24, 4.1-4.12, 5.1-5.32, 6.1-6.2, 7.1-7.9
    const counts: Record<string, number> = { '1.1': 18, '1.2': 2, '2': 18, '3': 24, '4': 12, '5': 32, '6': 2, '7': 9 };
    for (const [prefix, n] of Object.entries(counts)) {
      const expected = Array.from({ length: n }, (_, i) => `${prefix}.${i + 1}`);
      expect(ids.filter((id) => id.startsWith(`${prefix}.`) && id.split('.').length === prefix.split('.').length + 1)).toEqual(expected);
    }
    expect(ids.length).toBe(117);
    expect(CIS_SECTIONS.map((s) => s.id)).toEqual(['1', '1.1', '1.2', '2', '3', '4', '5', '6', '7']);
  });

  it('has the 1.6.0 numbering of section 5 (5.1 swarm mode was inserted)', () => {
    expect(cisRecommendation('5.1')?.title).toMatch(/swarm mode/);
    expect(cisRecommendation('5.5')?.title).toMatch(/privileged containers/);
    expect(cisRecommendation('5.32')?.title).toMatch(/Docker socket/);
    expect(cisRecommendation('5.33')).toBeUndefined();
  });

  it('labels recommendations automated or manual as the benchmark does', () => {
    expect(cisRecommendation('1.2.2')?.assessment).toBe('manual');
    expect(cisRecommendation('5.5')?.assessment).toBe('automated');
    expect(cisRecommendation('4.8')?.assessment).toBe('manual');
    expect(cisRecommendation('7.1')?.assessment).toBe('automated');
  });
});

describe('rules cite CIS ids that exist, with a title on their subject', () => {
  it('has a hand-checked expectation for every rule that cites the benchmark', () => {
    const citing = ALL_RULES.filter((r) => (r.cis?.length ?? 0) > 0).map((r) => r.id);
    expect(citing.filter((id) => !(id in EXPECTED))).toEqual([]);
  });

  it.each(Object.entries(EXPECTED))('%s cites the expected ids', (ruleId, expected) => {
    const rule = ALL_RULES.find((r) => r.id === ruleId);
    expect(rule, `${ruleId} is not a rule`).toBeDefined();
    expect([...(rule?.cis ?? [])].sort(compareCisIds)).toEqual(Object.keys(expected).sort(compareCisIds));
    for (const [id, phrase] of Object.entries(expected)) {
      const rec = cisRecommendation(id);
      expect(rec, `${ruleId} cites ${id}, which CIS Docker Benchmark 1.6.0 does not have`).toBeDefined();
      expect(rec?.title.toLowerCase(), `${ruleId} cites ${id}`).toContain(phrase);
    }
  });

  it('the engine file tables behind HS021 and HS022 cite the recommendation for that very file', () => {
    const name = (path: string): string => path.split('/').pop() ?? path;
    for (const f of ENGINE_FILES) {
      for (const id of f.cis) {
        const title = cisRecommendation(id)?.title ?? '';
        expect(f.paths.some((p) => title.includes(name(p)) || title.includes(p) || (p.endsWith('containerd.sock') && /Containerd socket/.test(title))), `${id} for ${f.paths[0]}: ${title}`).toBe(true);
      }
    }
    const tlsSubject: Record<string, RegExp> = { tlscacert: /TLS CA certificate/, tlscert: /server certificate file/, tlskey: /certificate key file/ };
    for (const t of TLS_FILES) for (const id of t.cis) expect(cisRecommendation(id)?.title).toMatch(tlsSubject[t.key] ?? /^$/);
    for (const a of AUDITED_PATHS) {
      const title = cisRecommendation(a.cis)?.title ?? '';
      // `what` names the file or directory as the recommendation does (the paths are where distributions put it)
      expect(a.what === 'the Docker daemon' ? /Docker daemon/.test(title) : title.includes(a.what), `${a.cis} for ${a.what}: ${title}`).toBe(true);
    }
  });
});
