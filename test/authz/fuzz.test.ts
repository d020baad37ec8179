/**
 * 10,000 mutated create bodies straight into the decision: none may throw, and none that carries
 * a setting the rules call unsafe may be allowed, whatever its spelling (key case, \u escapes,
 * duplicates, extra fields, broken bytes). Deterministic: a seeded PRNG, so a failure replays.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decide, type AuthzContext } from '../../src/authz/decide.js';
import { loadPolicy } from '../../src/policy/load.js';

let ctx: AuthzContext;
beforeAll(async () => {
  ctx = { policy: await loadPolicy('untrusted'), engine: { seccomp: true, apparmor: false, selinux: false, userns: false, rootless: false, cgroupVersion: '2' }, now: new Date('2026-12-04T00:00:00Z') };
});

/** mulberry32 */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Obj = Record<string, unknown>;
const compliant = (): Obj => ({
  Image: 'busybox',
  User: '65534:65534',
  Env: ['PATH=/bin'],
  Labels: { app: 'x' },
  HostConfig: { NetworkMode: 'none', CapDrop: ['ALL'], ReadonlyRootfs: true, Memory: 67108864, NanoCpus: 500000000, PidsLimit: 64, SecurityOpt: ['no-new-privileges'], RestartPolicy: { Name: 'no' } },
});

/** Settings the rules call unsafe under the untrusted policy, each a change to the body. */
const UNSAFE: Array<(b: Obj, r: () => number) => void> = [
  (b) => ((b.HostConfig as Obj).Privileged = true),
  (b) => ((b.HostConfig as Obj).Binds = ['/var/run/docker.sock:/s']),
  (b) => ((b.HostConfig as Obj).Binds = ['/:/host']),
  (b) => ((b.HostConfig as Obj).Binds = ['/etc/../:/host:rw']),
  (b) => ((b.HostConfig as Obj).Mounts = [{ Type: 'bind', Source: '/run/docker.sock', Target: '/s' }]),
  (b) => ((b.HostConfig as Obj).PidMode = 'host'),
  (b) => ((b.HostConfig as Obj).NetworkMode = 'host'),
  (b) => ((b.HostConfig as Obj).IpcMode = 'host'),
  (b) => ((b.HostConfig as Obj).UTSMode = 'host'),
  (b) => ((b.HostConfig as Obj).UsernsMode = 'host'),
  (b, r) => ((b.HostConfig as Obj).CapAdd = [['SYS_ADMIN', 'cap_sys_module', 'SYS_PTRACE', 'ALL', 'NET_ADMIN'][Math.floor(r() * 5)]]),
  (b) => ((b.HostConfig as Obj).CapDrop = []),
  (b) => ((b.HostConfig as Obj).SecurityOpt = ['no-new-privileges', 'seccomp=unconfined']),
  (b) => ((b.HostConfig as Obj).SecurityOpt = ['no-new-privileges', 'apparmor=unconfined']),
  (b) => ((b.HostConfig as Obj).SecurityOpt = []),
  (b) => ((b.HostConfig as Obj).Devices = [{ PathOnHost: '/dev/mem', PathInContainer: '/dev/mem', CgroupPermissions: 'rwm' }]),
  (b, r) => (b.User = ['0', 'root', '0:0', 'root:root', '', 'admin'][Math.floor(r() * 6)]),
  (b) => delete b.User,
  (b) => ((b.HostConfig as Obj).Memory = 0),
  (b) => delete (b.HostConfig as Obj).PidsLimit,
  (b) => ((b.HostConfig as Obj).PidsLimit = -1),
  (b) => ((b.HostConfig as Obj).NanoCpus = 0),
  (b) => ((b.HostConfig as Obj).ReadonlyRootfs = false),
  // the deprecated top-level form moby still decodes
  (b) => (b.Privileged = true),
];

/** Spellings dockerd reads the same: key case, \u escapes in keys, whitespace. */
function serialize(v: unknown, r: () => number): string {
  if (Array.isArray(v)) return `[${v.map((x) => serialize(x, r)).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => {
        let key = k;
        const roll = r();
        if (roll < 0.15) key = k.toLowerCase();
        else if (roll < 0.25) key = k.toUpperCase();
        const text = roll > 0.9 ? `"${[...key].map((c, i) => (i === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('')}"` : JSON.stringify(key);
        return `${r() < 0.1 ? ' \n' : ''}${text}:${serialize(x, r)}`;
      })
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Noise on top: mutations of the JSON text that must never turn an unsafe body into an allow. */
const NOISE: Array<(s: string, r: () => number) => string> = [
  (s) => s,
  (s, r) => s.slice(0, Math.floor(r() * s.length)),
  (s, r) => {
    const i = Math.floor(r() * s.length);
    return s.slice(0, i) + String.fromCharCode(Math.floor(r() * 128)) + s.slice(i + 1);
  },
  // a second HostConfig: Go decodes it into the first, JSON.parse would keep only the second
  (s) => s.replace(/\}$/, ',"HostConfig":{"Memory":1}}'),
  (s) => s.replace(/^\{/, '{"hostconfig":{},'),
  (s) => s.replace(/\}$/, ',"Unknown":1}'),
  (s) => s.replace(/\}$/, `,"Labels":${'['.repeat(40)}${']'.repeat(40)}}`),
  (s) => s.replace(/"Image"/i, '"\u017fmage"'),
  (s) => s.replace(/"busybox"/, '"bus\\ud800box"'),
];

describe('fuzzed create bodies', () => {
  it('10,000 mutations: no throw, no unsafe body allowed', () => {
    const r = prng(41110);
    let unsafeCount = 0;
    let allowed = 0;
    for (let i = 0; i < 10_000; i++) {
      const body = compliant();
      const unsafe = r() < 0.7;
      if (unsafe) {
        unsafeCount++;
        const n = 1 + Math.floor(r() * 3);
        for (let k = 0; k < n; k++) UNSAFE[Math.floor(r() * UNSAFE.length)]!(body, r);
      }
      const noise = r() < 0.5 ? NOISE[Math.floor(r() * NOISE.length)]! : NOISE[0]!;
      let text = noise(serialize(body, r), r);
      let bytes: Uint8Array = Buffer.from(text);
      if (r() < 0.03) {
        // invalid UTF-8 somewhere
        const b = Buffer.from(text);
        b[Math.floor(r() * b.length)] = 0xff;
        bytes = b;
        text = '';
      }
      const headers = { 'Content-Type': r() < 0.5 ? 'application/json' : 'application/json; charset=utf-8', 'Content-Length': String(bytes.length) };
      let d;
      try {
        d = decide({ user: '', method: 'POST', uri: '/v1.41/containers/create?name=f', body: bytes, headers }, ctx);
      } catch (err) {
        throw new Error(`case ${i} threw ${String(err)} on ${Buffer.from(bytes).toString('utf8').slice(0, 300)}`);
      }
      if (d.allow) allowed++;
      // a byte flip may legitimately rewrite a value; only bodies whose text still says what was set are judged
      const flipped = noise === NOISE[2];
      if (unsafe && !flipped && d.allow) throw new Error(`case ${i}: unsafe body allowed: ${Buffer.from(bytes).toString('utf8').slice(0, 400)}`);
      expect(typeof d.msg).toBe('string');
    }
    expect(unsafeCount).toBeGreaterThan(6000);
    // the untouched compliant bodies, in every spelling, are allowed: the fuzz exercises allows too
    expect(allowed).toBeGreaterThan(500);
  });
});
