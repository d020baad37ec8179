import { beforeAll, describe, expect, it } from 'vitest';
import { decide, type AuthzContext, type AuthzRequest } from '../../src/authz/decide.js';
import { loadPolicy, type LoadedPolicy } from '../../src/policy/load.js';
import { routeOf } from '../../src/authz/route.js';

const engine = { seccomp: true, apparmor: false, selinux: false, userns: false, rootless: false, cgroupVersion: '2' };
let untrusted: LoadedPolicy;
let service: LoadedPolicy;
beforeAll(async () => {
  untrusted = await loadPolicy('untrusted');
  service = await loadPolicy('service');
});
const ctx = (p = untrusted, now = new Date('2026-12-04T00:00:00Z')): AuthzContext => ({ policy: p, engine, now });

/** What `docker run --rm --user 65534:65534 --cap-drop ALL --read-only --memory 64m --cpus 0.5 --pids-limit 64 --security-opt no-new-privileges --network none busybox true` sends. */
function compliant(hc: Record<string, unknown> = {}, cfg: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Image: 'busybox',
    User: '65534:65534',
    Cmd: ['true'],
    ...cfg,
    HostConfig: { NetworkMode: 'none', CapDrop: ['ALL'], ReadonlyRootfs: true, Memory: 67108864, NanoCpus: 500000000, PidsLimit: 64, SecurityOpt: ['no-new-privileges'], AutoRemove: true, ...hc },
  };
}

function req(method: string, uri: string, body?: unknown, headers: Record<string, string> = {}): AuthzRequest {
  const bytes = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body instanceof Uint8Array ? body : Buffer.from(JSON.stringify(body));
  return { user: '', method, uri, body: bytes, headers: { 'Content-Type': 'application/json', ...headers } };
}
const create = (body: unknown, headers?: Record<string, string>) => req('POST', '/v1.41/containers/create?name=t', body, headers);

describe('decide: container create', () => {
  it('allows a compliant create', () => {
    const d = decide(create(compliant()), ctx());
    expect(d).toMatchObject({ allow: true, action: 'container-create', container: 't', image: 'busybox' });
  });

  const denied: Array<[string, Record<string, unknown>, Record<string, unknown>, string]> = [
    ['--privileged', { Privileged: true }, {}, 'CT001'],
    ['-v /var/run/docker.sock:/s', { Binds: ['/var/run/docker.sock:/s'] }, {}, 'CT004'],
    ['-v /:/host', { Binds: ['/:/host'] }, {}, 'CT005'],
    ['--pid host', { PidMode: 'host' }, {}, 'CT006'],
    ['--network host', { NetworkMode: 'host' }, {}, 'CT007'],
    ['--cap-add SYS_ADMIN', { CapAdd: ['SYS_ADMIN'] }, {}, 'CT002'],
    ['--security-opt seccomp=unconfined', { SecurityOpt: ['no-new-privileges', 'seccomp=unconfined'] }, {}, 'CT016'],
    ['--user 0', {}, { User: '0' }, 'CT019'],
    ['no --user (image USER unknown; untrusted requires non-root)', {}, { User: '' }, 'CT019'],
    ['--user app (uid unknown)', {}, { User: 'app' }, 'CT019'],
    ['no memory limit (required)', { Memory: 0 }, {}, 'CT013'],
    ['no pids limit (required)', { PidsLimit: null }, {}, 'CT015'],
    ['no CPU limit (required although CT014 is low)', { NanoCpus: 0 }, {}, 'CT014'],
    ['writable root (required although CT020 is low)', { ReadonlyRootfs: false }, {}, 'CT020'],
    ['no no-new-privileges', { SecurityOpt: [] }, {}, 'CT018'],
    ['default capabilities kept', { CapDrop: [] }, {}, 'CT003'],
    ['--device /dev/mem', { Devices: [{ PathOnHost: '/dev/mem', PathInContainer: '/dev/mem', CgroupPermissions: 'rwm' }] }, {}, 'CT012'],
    ['--ipc host (medium, at untrusted threshold)', { IpcMode: 'host' }, {}, 'CT008'],
  ];
  it.each(denied)('denies %s, naming the rule and its fix', (_n, hc, cfg, id) => {
    const d = decide(create(compliant(hc, cfg)), ctx());
    expect(d.allow).toBe(false);
    expect(d.ruleIds).toContain(id);
    expect(d.msg).toContain(id);
    expect(d.msg).toContain('fix:');
    expect(d.msg).toContain('bulkhead policy untrusted');
  });

  it('allows a capability the policy allows, denies one it does not', async () => {
    const ok = decide(create(compliant({ CapAdd: ['NET_BIND_SERVICE'] })), ctx(service));
    expect(ok.allow).toBe(true);
    const no = decide(create(compliant({ CapAdd: ['NET_ADMIN'] })), ctx(service));
    expect(no).toMatchObject({ allow: false, ruleIds: ['CT002'] });
  });

  it('applies an exemption by image until its day, and reports it expired after', () => {
    const p = structuredClone(untrusted);
    p.policy.authz.exemptions = [{ reason: 'node exporter needs the host pid namespace', until: '2026-12-31', image: 'prom/node-exporter*', rules: ['CT006'] }];
    const body = compliant({ PidMode: 'host' }, { Image: 'prom/node-exporter:v1.8' });
    const d = decide(create(body), ctx(p));
    expect(d).toMatchObject({ allow: true, exemptedBy: [{ until: '2026-12-31' }] });
    const later = decide(create(body), ctx(p, new Date('2027-01-01T00:00:00Z')));
    expect(later).toMatchObject({ allow: false, ruleIds: ['CT006'], expired: [{ until: '2026-12-31' }] });
    // an exemption for CT006 does not cover another rule
    expect(decide(create(compliant({ PidMode: 'host', Privileged: true }, { Image: 'prom/node-exporter:v1.8' })), ctx(p)).ruleIds).toEqual(['CT001']);
    // by user: only when the daemon authenticated one (TLS); over the unix socket User is ""
    p.policy.authz.exemptions = [{ reason: 'ops team', until: '2026-12-31', user: 'ops' }];
    expect(decide(create(compliant({ PidMode: 'host' })), ctx(p)).allow).toBe(false);
    expect(decide({ ...create(compliant({ PidMode: 'host' })), user: 'ops' }, ctx(p)).allow).toBe(true);
  });
});

describe('decide: bodies that cannot be checked are denied (CVE-2024-41110 and friends)', () => {
  const shapes: Array<[string, AuthzRequest]> = [
    ['no body', create(undefined)],
    ['empty body with Content-Length 0', create('', { 'Content-Length': '0' })],
    ['no body although Content-Length says 2000', create(undefined, { 'Content-Length': '2000' })],
    ['no body although chunked', create(undefined, { 'Transfer-Encoding': 'chunked' })],
    ['no body, application/json; charset=utf-8', create(undefined, { 'Content-Type': 'application/json; charset=utf-8' })],
    ['no body, text/plain', create(undefined, { 'Content-Type': 'text/plain' })],
    ['truncated', create(JSON.stringify(compliant()).slice(0, 40))],
    ['not JSON', create('Image=busybox')],
    ['a JSON array', create('[]')],
    ['a JSON string', create('"x"')],
    ['null', create('null')],
    ['not UTF-8', create(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))],
    ['duplicate HostConfig (Go merges both)', create('{"Image":"busybox","HostConfig":{"Privileged":true},"HostConfig":{"Memory":1}}')],
    ['case-folded duplicate', create('{"Image":"busybox","HostConfig":{"Privileged":false,"privileged":true}}')],
    ['escaped duplicate', create('{"Image":"busybox","HostConfig":{"Privileged":false,"Privil\\u0065ged":true}}')],
    ['non-ASCII key (Go folds U+017F to s)', create('{"Image":"busybox","HostConfig":{"\u017fecurityOpt":["seccomp=unconfined"]}}')],
    ['deprecated top-level HostConfig field', create({ Image: 'busybox', Privileged: true })],
    ['unknown field', create(compliant({ Privileged2: true }))],
    ['wrong type', create(compliant({ Privileged: 'true' }))],
    ['wrong type in an array', create(compliant({ Binds: [1] }))],
    ['__proto__ key', create('{"Image":"busybox","__proto__":{"x":1}}')],
    ['deep nesting', create(`{"Labels":${'['.repeat(100)}${']'.repeat(100)}}`)],
    ['huge array', create({ Image: 'busybox', Env: Array.from({ length: 20000 }, (_, i) => `A${i}=1`) })],
    ['over 1 MiB', create({ Image: 'busybox', Labels: { x: 'a'.repeat(1024 * 1024) } })],
  ];
  it.each(shapes)('%s', (_n, r) => {
    const d = decide(r, ctx());
    expect(d.allow).toBe(false);
    expect(d.ruleIds[0]).toMatch(/^AZ00[12]$/);
    expect(d.msg).toMatch(/AZ00[12] .+; fix: /);
  });

  it('says what the headers claimed when the body is missing', () => {
    expect(decide(create(undefined, { 'Content-Length': '2000' }), ctx()).msg).toContain('Content-Length is 2000');
  });

  it('accepts a correct body whatever its JSON content type', () => {
    expect(decide(create(compliant(), { 'Content-Type': 'application/json; charset=utf-8' }), ctx()).allow).toBe(true);
    // Go field names are case-insensitive: the same compliant body in lower case is read the same
    const lower = JSON.parse(JSON.stringify(compliant()).replace(/"([A-Za-z]+)":/g, (_m, k: string) => `"${k.toLowerCase()}":`)) as unknown;
    expect(decide(create(lower), ctx()).allow).toBe(true);
    expect(decide(create(JSON.parse(JSON.stringify(compliant({ Privileged: true })).replace('"Privileged"', '"PRIVILEGED"')) as unknown), ctx()).ruleIds).toContain('CT001');
  });
});

describe('decide: other endpoints', () => {
  it('normalises paths before matching', () => {
    for (const uri of ['/containers/create', '/v1.41/containers/create', '//containers/create', '/v1.41//containers/create/', '/containers/%63reate?x=1', '/v1.41/x/../containers/create', '/CONTAINERS/create']) {
      expect(routeOf('POST', uri)?.action, uri).toBe('container-create');
      expect(decide(req('POST', uri), ctx()).allow, uri).toBe(false);
    }
    expect(routeOf('POST', '/containers/%zz')).toBeUndefined();
  });

  it('exec: denies --privileged and root, allows the container user', () => {
    const exec = (b: unknown) => decide(req('POST', '/v1.41/containers/abc/exec', b), ctx());
    expect(exec({ Cmd: ['sh'], Privileged: true })).toMatchObject({ allow: false, ruleIds: ['AZ003'] });
    expect(exec({ Cmd: ['sh'], User: 'root' })).toMatchObject({ allow: false, ruleIds: ['AZ003'] });
    expect(exec({ Cmd: ['sh'], User: '0:0' })).toMatchObject({ allow: false, ruleIds: ['AZ003'] });
    expect(exec({ Cmd: ['sh'], User: 'admin' })).toMatchObject({ allow: false });
    expect(exec({ Cmd: ['sh'], User: '' }).allow).toBe(true);
    expect(exec({ Cmd: ['sh'], User: '1000' }).allow).toBe(true);
    expect(exec(undefined)).toMatchObject({ allow: false, ruleIds: ['AZ001'] });
  });

  it('update: denies removing limits, allows changing them', () => {
    const upd = (b: unknown) => decide(req('POST', '/containers/abc/update', b), ctx());
    expect(upd({ PidsLimit: -1 })).toMatchObject({ allow: false, ruleIds: ['AZ004', 'CT015'] });
    expect(upd({ MemorySwap: -1 })).toMatchObject({ allow: false, ruleIds: ['AZ004', 'CT013'] });
    expect(upd({ CpuQuota: -1 }).allow).toBe(false);
    expect(upd({ Memory: 134217728, MemorySwap: 134217728, PidsLimit: 32 }).allow).toBe(true);
    expect(upd('{}').allow).toBe(true);
    expect(upd(undefined).allow).toBe(false);
  });

  it('denies plugin changes, allows listing plugins', () => {
    for (const [m, u] of [['POST', '/v1.41/plugins/pull?remote=x'], ['POST', '/plugins/bulkhead/disable'], ['POST', '/plugins/x/enable'], ['DELETE', '/plugins/x'], ['POST', '/plugins/x/set']]) {
      expect(decide(req(m!, u!), ctx()), u).toMatchObject({ allow: false, ruleIds: ['AZ005'] });
    }
    expect(decide(req('GET', '/v1.41/plugins'), ctx()).allow).toBe(true);
  });

  it('builds: host network denied; BuildKit by the policy field', () => {
    expect(decide(req('POST', '/v1.41/build?t=x&networkmode=host'), ctx(service))).toMatchObject({ allow: false, ruleIds: ['AZ006'] });
    expect(decide(req('POST', '/v1.41/build?t=x'), ctx(service)).allow).toBe(true);
    expect(decide(req('POST', '/grpc'), ctx(service)).allow).toBe(true);
    expect(decide(req('POST', '/session'), ctx(untrusted))).toMatchObject({ allow: false, ruleIds: ['AZ007'] });
    expect(decide(req('POST', '/v1.41/build'), ctx(untrusted))).toMatchObject({ allow: false, ruleIds: ['AZ007'] });
  });

  it('start with a legacy host config body is denied; a plain start is not', () => {
    expect(decide(req('POST', '/v1.23/containers/x/start', { Privileged: true }), ctx())).toMatchObject({ allow: false, ruleIds: ['AZ008'] });
    expect(decide(req('POST', '/v1.41/containers/x/start'), ctx()).allow).toBe(true);
  });

  it('volumes backed by a host path are denied', () => {
    expect(decide(req('POST', '/volumes/create', { Name: 'h', Driver: 'local', DriverOpts: { type: 'none', o: 'bind', device: '/' } }), ctx())).toMatchObject({ allow: false, ruleIds: ['AZ010'] });
    expect(decide(req('POST', '/volumes/create', { Name: 'data' }), ctx()).allow).toBe(true);
  });

  it('everything else passes without its body being read', () => {
    expect(decide(req('GET', '/v1.41/containers/json'), ctx()).allow).toBe(true);
    expect(decide(req('POST', '/v1.41/containers/x/kill', 'not json at all'), ctx()).allow).toBe(true);
    expect(decide(req('DELETE', '/v1.41/containers/x'), ctx()).allow).toBe(true);
  });
});
