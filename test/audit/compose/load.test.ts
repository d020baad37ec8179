import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadComposeProject } from '../../../src/audit/compose/load.js';
import { interpolateString, parseDotEnv } from '../../../src/audit/compose/interpolate.js';
import { auditCompose } from '../../../src/audit/compose/audit.js';
import { toPlain, type YMap } from '../../../src/audit/yaml/located.js';

const FIX = 'test/fixtures/compose';
const loc = { file: 'compose.yaml', line: 7, column: 5 };

function service(project: ReturnType<typeof loadComposeProject>, name: string): Record<string, unknown> {
  const s = project.services.find((x) => x.name === name);
  expect(s, `service ${name}`).toBeDefined();
  return toPlain(s!.node) as Record<string, unknown>;
}

describe('interpolation (compose spec)', () => {
  const env = new Map(Object.entries({ SET: 'value', EMPTY: '' }));
  const lookup = (n: string) => env.get(n);
  const cases: Array<[string, string]> = [
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['${UNSET:-dflt}', 'dflt'],
    ['${EMPTY:-dflt}', 'dflt'],
    ['${EMPTY-dflt}', ''],
    ['${UNSET-dflt}', 'dflt'],
    ['${SET:+alt}', 'alt'],
    ['${UNSET:+alt}', ''],
    ['${UNSET:-${SET}}', 'value'],
    ['cost $$5 and $$SET', 'cost $5 and $SET'],
    ['a lone $ stays', 'a lone $ stays'],
    ['${UNSET}', ''],
  ];
  it.each(cases)('%s -> %j', (text, want) => {
    expect(interpolateString(text, lookup, loc, new Set())).toBe(want);
  });
  it('${VAR:?err} on an unset or empty variable is an error with the file and line', () => {
    expect(() => interpolateString('${UNSET:?must be set}', lookup, loc, new Set())).toThrow('compose.yaml:7:5: required variable UNSET is not set: must be set');
    expect(() => interpolateString('${EMPTY:?}', lookup, loc, new Set())).toThrow('required variable EMPTY is empty');
    expect(interpolateString('${EMPTY?}', lookup, loc, new Set())).toBe('');
  });
  it('collects variables used without a value', () => {
    const unset = new Set<string>();
    interpolateString('$A ${B} ${C:-x}', lookup, loc, unset);
    expect([...unset]).toEqual(['A', 'B']);
  });
  it('.env: comments, export, quotes', () => {
    const m = parseDotEnv('# c\nexport A=1\nB="two words"\nC=\'x\'\nD=plain # note\n');
    expect(Object.fromEntries(m)).toEqual({ A: '1', B: 'two words', C: 'x', D: 'plain' });
  });
});

describe('loading a project as docker compose does', () => {
  const cwd = join(FIX, 'webapp');
  const load = (files: string[], env: Record<string, string> = {}, profiles: string[] = []) => loadComposeProject(files, { cwd, env, profiles });

  it('anchors and merge keys: the x-hardening fields land in web', () => {
    const web = service(load(['compose.yaml']), 'web');
    expect(web).toMatchObject({ read_only: true, cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'] });
  });

  it('interpolates from the environment over .env, with defaults', () => {
    expect(service(load(['compose.yaml']), 'web').image).toBe('nginx:1.27');
    expect(service(load(['compose.yaml'], { NGINX_TAG: '1.26' }), 'web').image).toBe('nginx:1.26');
    // WORKER_TAG comes from .env; the environment wins
    expect(service(load(['compose.yaml']), 'worker').image).toBe('registry.example.com/worker:2.4.1');
    expect(service(load(['compose.yaml'], { WORKER_TAG: '9' }), 'worker').image).toBe('registry.example.com/worker:9');
  });

  it('extends (file + service): the base service merged under the extending one', () => {
    const worker = service(load(['compose.yaml']), 'worker');
    expect(worker.cap_add).toEqual(['SYS_ADMIN']);
    expect(worker.environment).toEqual({ LOG_LEVEL: 'info', QUEUE_URL: 'amqp://queue:5672' });
    expect(worker.extends).toBeUndefined();
  });

  it('-f files: mappings merge, sequences append, ports merge by target, scalars are replaced', () => {
    const p = load(['compose.yaml', 'compose.prod.yaml']);
    const web = service(p, 'web');
    expect(web.security_opt).toEqual(['no-new-privileges:true', 'seccomp:unconfined']);
    expect(web.ports).toEqual(['127.0.0.1:8080:80', '0.0.0.0:443:443']);
    expect(service(p, 'worker').network_mode).toBe('host');
    expect(web.mem_limit).toBe('256m');
  });

  it('profiles: a service with profiles runs only when one is active', () => {
    expect(load(['compose.yaml']).services.map((s) => s.name)).toEqual(['web', 'worker']);
    expect(load(['compose.yaml']).inactive).toEqual(['debug']);
    expect(load(['compose.yaml'], {}, ['debug']).services.map((s) => s.name)).toEqual(['web', 'worker', 'debug']);
    expect(load(['compose.yaml'], { COMPOSE_PROFILES: 'debug' }).services.map((s) => s.name)).toContain('debug');
  });

  it('finds the default file name in the directory', () => {
    expect(loadComposeProject([], { cwd: join(FIX, 'monitoring'), env: {} }).files).toEqual(['docker-compose.yml']);
  });

  it('merge by target across files, !reset and !override', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-merge-'));
    writeFileSync(join(dir, 'a.yaml'), 'services:\n  s:\n    image: a\n    volumes: ["./x:/data", "/srv/logs:/logs"]\n    cap_add: [NET_ADMIN]\n    environment: ["A=1", "B=2"]\n    command: ["run", "--fast"]\n');
    writeFileSync(join(dir, 'b.yaml'), 'services:\n  s:\n    volumes: ["./y:/data:ro"]\n    cap_add: !reset []\n    environment: { B: "3" }\n    command: ["serve"]\n    dns: !override [1.1.1.1]\n');
    const s = toPlain(loadComposeProject(['a.yaml', 'b.yaml'], { cwd: dir, env: {} }).services[0]!.node as YMap) as Record<string, unknown>;
    expect(s.volumes).toEqual(['./y:/data:ro', '/srv/logs:/logs']);
    expect(s.cap_add).toBeUndefined();
    expect(s.environment).toEqual({ A: '1', B: '3' });
    expect(s.command).toEqual(['serve']);
    expect(s.dns).toEqual(['1.1.1.1']);
  });
});

describe('audit compose: findings point at the file and line of the field', () => {
  it('webapp with the prod override', () => {
    const targets = auditCompose(['compose.yaml', 'compose.prod.yaml'], { cwd: join(FIX, 'webapp'), env: {} });
    expect(targets.map((t) => t.name)).toEqual(['compose.yaml#web', 'compose.yaml#worker']);
    const at = (t: number, rule: string) => targets[t]!.findings.filter((f) => f.ruleId === rule).map((f) => `${f.location?.path}:${f.location?.line}`);
    expect(at(0, 'CT016')).toEqual(['compose.prod.yaml:6']);
    expect(at(1, 'CT002')).toEqual(['common.yaml:7']);
    expect(at(1, 'CT004')).toEqual(['compose.yaml:27']);
    expect(at(1, 'CT007')).toEqual(['compose.prod.yaml:8']);
    // the service's own line for what the file leaves out
    expect(at(1, 'CT003')).toEqual(['compose.yaml:21']);
    // web sets everything the policy asks for: only the prod override's additions fire
    expect(targets[0]!.findings.map((f) => f.ruleId).sort()).toEqual(['CT016', 'CT022', 'CT031']);
  });

  it('monitoring stack: host pid, host root, the socket long syntax, devices', () => {
    const targets = auditCompose([], { cwd: join(FIX, 'monitoring'), env: {} });
    const ids = (name: string) => targets.find((t) => t.name.endsWith(`#${name}`))!.findings.map((f) => f.ruleId);
    expect(ids('node-exporter')).toEqual(expect.arrayContaining(['CT005', 'CT006', 'CT007', 'CT021']));
    expect(ids('cadvisor')).toEqual(expect.arrayContaining(['CT001', 'CT004', 'CT005', 'CT022']));
    // privileged: CT012 leaves devices to CT001
    expect(ids('cadvisor')).not.toContain('CT012');
    // prometheus is hardened; a healthcheck, a user and all limits are declared
    expect(ids('prometheus')).toEqual([]);
  });

  it('wordpress: a default password is a secret-looking value only when it looks like one; restart always', () => {
    const targets = auditCompose([], { cwd: join(FIX, 'wordpress'), env: {} });
    const wp = targets.find((t) => t.name.endsWith('#wordpress'))!;
    expect(wp.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['CT021', 'CT022', 'CT031']));
    // deploy.resources.limits count as limits
    expect(wp.findings.map((f) => f.ruleId)).not.toContain('CT013');
    expect(wp.findings.map((f) => f.ruleId)).not.toContain('CT015');
  });
});

describe('bad compose input: one line with file and line, never a crash', () => {
  const cases: Array<[string, RegExp, number | undefined]> = [
    ['bad-yaml.yaml', /^invalid YAML: /, 5],
    ['wrong-type.yaml', /^service web: privileged must be true or false, not "maybe"$/, 4],
    ['cap-add-not-a-list.yaml', /^service web: cap_add must be a list, not string$/, 4],
    ['missing-variable.yaml', /^required variable API_TOKEN is not set: API_TOKEN must be set$/, 5],
    ['alias-bomb.yaml', /too many aliases|expands to more than/, undefined],
    ['extends-cycle.yaml', /^extends cycle: /, undefined],
  ];
  it.each(cases)('%s', (file, want, line) => {
    const targets = auditCompose([file], { cwd: join(FIX, 'bad'), env: {} });
    expect(targets).toHaveLength(1);
    const e = targets[0]!.errors[0]!;
    expect(e.message).toMatch(want);
    expect(e.message).not.toContain('\n');
    expect(e.location?.path).toBe(file);
    if (line !== undefined) expect(e.location?.line).toBe(line);
    expect(targets[0]!.findings).toEqual([]);
  });
  it('a 5 MB compose file is refused before it is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-big-'));
    writeFileSync(join(dir, 'compose.yaml'), `services:\n  a:\n    image: x\n${'#'.repeat(5 * 1024 * 1024)}\n`);
    expect(auditCompose([], { cwd: dir, env: {} })[0]!.errors[0]!.message).toBe('file is over 4 MiB');
  });
  it('no compose file in the directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-none-'));
    expect(auditCompose([], { cwd: dir, env: {} })[0]!.errors[0]!.message).toMatch(/^no compose file \(looked for compose.yaml/);
  });
});

describe('use_api_socket', () => {
  it('counts as a mount of the engine socket (CT004) at the use_api_socket line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-sock-'));
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  builder:\n    image: docker:cli\n    use_api_socket: true\n');
    const f = auditCompose([], { cwd: dir, env: {} })[0]!.findings.filter((x) => x.ruleId === 'CT004');
    expect(f.map((x) => `${x.location?.path}:${x.location?.line}`)).toEqual(['compose.yaml:4']);
  });
});

describe('env_file', () => {
  it('variables from env_file reach CT024 at their line in that file, redacted; environment: wins; a missing required file is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-envfile-'));
    writeFileSync(join(dir, 'app.env'), '# app settings\nLOG_LEVEL=info\nGITHUB_TOKEN=ghp_4f3a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f\n');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  app:\n    image: x\n    env_file: [app.env, { path: optional.env, required: false }]\n');
    const f = auditCompose([], { cwd: dir, env: {} })[0]!.findings.filter((x) => x.ruleId === 'CT024');
    expect(f.map((x) => `${x.location?.path}:${x.location?.line}`)).toEqual(['app.env:3']);
    expect(f[0]!.evidence).not.toContain('ghp_4f3a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  app:\n    image: x\n    env_file: app.env\n    environment:\n      GITHUB_TOKEN: ""\n');
    expect(auditCompose([], { cwd: dir, env: {} })[0]!.findings.filter((x) => x.ruleId === 'CT024')).toEqual([]);
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  app:\n    image: x\n    env_file: missing.env\n');
    expect(auditCompose([], { cwd: dir, env: {} })[0]!.errors[0]!.message).toBe('service app: env_file missing.env does not exist');
  });
});
