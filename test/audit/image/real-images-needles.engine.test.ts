/**
 * Engine-backed: needles planted in later layers of each real image (scripts/real-images),
 * built with `docker build` FROM the stock image (no network): every needle is found, with
 * the layer that added it and its path, and no secret is printed. The stock images' own
 * findings are checked in real-images.engine.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { docker } from '../../helpers/engine.js';
import { ensureRealImages, REAL_IMAGE_NAMES, type RealImageName } from '../../helpers/real-images.js';
import { atOrAbove, type Severity } from '../../../src/audit/model.js';
import { FAKE, rsaPem } from '../secrets/fixtures.js';

interface JsonFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  evidence?: string;
  location?: { path?: string; layer?: { index: number; digest: string } };
}

/** A path where each image's own stock content lives: no blanket path skip may hide a key there. */
const VENDOR_PATH: Record<RealImageName, string> = {
  python: '/usr/lib/python3/dist-packages/app/settings.py',
  node: '/srv/app/node_modules/app-settings/index.js',
  jvm: '/usr/share/java/app/settings.py',
  go: '/usr/share/go-1.19/src/app/settings.py',
  nginx: '/usr/share/nginx/html/settings.py',
  postgres: '/usr/share/postgresql/15/app/settings.py',
  sshd: '/usr/share/doc/app/settings.py',
  redis: '/etc/redis/settings.py',
};

const PEM = rsaPem();
const AWS_INI = `[default]\naws_access_key_id = ${FAKE.awsKeyId}\naws_secret_access_key = ${FAKE.awsSecret}\nregion = eu-west-1\n`;
const vendorSource = (name: RealImageName) =>
  name === 'node'
    ? `module.exports = { region: 'eu-west-1', accessKeyId: '${FAKE.awsKeyId}' };\n`
    : `REGION = "eu-west-1"\nAWS_ACCESS_KEY_ID = "${FAKE.awsKeyId}"\n`;
const SECRETS = [FAKE.awsKeyId, FAKE.awsSecret, FAKE.github, FAKE.stripe, PEM.split('\n')[1]!];

/**
 * Layer order of the needle image, after the stock image's own layers. ENV adds no layer.
 * The legacy builder drops setuid bits on COPY, so the setuid shell is made by a RUN.
 */
const NEEDLE_LAYERS = ['aws-config', 'home-key', 'github-token', 'delete-token', 'setuid-shell', 'world-writable', 'vendor-path'] as const;
const dockerfile = (from: string, name: RealImageName) =>
  [
    `FROM ${from}`,
    'COPY aws.ini /opt/app/config/aws.ini',
    'COPY id_rsa /home/needle/.ssh/id_rsa',
    'COPY github-token /opt/app/.github-token',
    'RUN rm /opt/app/.github-token',
    'RUN cp /bin/bash /usr/local/bin/pgsh && chmod 4755 /usr/local/bin/pgsh',
    'RUN mkdir -p /srv/drop && chmod 0777 /srv/drop',
    `COPY settings ${VENDOR_PATH[name]}`,
    `ENV STRIPE_API_KEY=${FAKE.stripe}`,
  ].join('\n');

const scratch = mkdtempSync(join(tmpdir(), 'realimg-needles-'));
const needleTag = (name: RealImageName) => `realimg-needles-${name}:1`;
let stock: Record<RealImageName, string>;

beforeAll(() => {
  stock = ensureRealImages();
}, 60 * 60_000);

afterAll(() => {
  docker(['rmi', '-f', ...REAL_IMAGE_NAMES.map(needleTag)], { allowFail: true });
  rmSync(scratch, { recursive: true, force: true });
});

function buildNeedles(name: RealImageName): { base: number; layers: string[] } {
  const ctx = join(scratch, name);
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, 'aws.ini'), AWS_INI);
  writeFileSync(join(ctx, 'id_rsa'), PEM);
  chmodSync(join(ctx, 'id_rsa'), 0o600);
  writeFileSync(join(ctx, 'github-token'), `${FAKE.github}\n`);
  writeFileSync(join(ctx, 'settings'), vendorSource(name));
  writeFileSync(join(ctx, 'Dockerfile'), dockerfile(stock[name], name));
  execFileSync('docker', ['build', '-q', '-t', needleTag(name), ctx], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  const layersOf = (ref: string) => JSON.parse(docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref])) as string[];
  const base = layersOf(stock[name]).length;
  const layers = layersOf(needleTag(name));
  expect(layers.length).toBe(base + NEEDLE_LAYERS.length);
  return { base, layers };
}

describe.each(REAL_IMAGE_NAMES.map((name) => [name]))('needles in a later layer of real image %s', (name) => {
  it('finds every needle, with its layer and path, and prints none of them', async () => {
    const { base, layers } = buildNeedles(name);
    const layerOf = (needle: (typeof NEEDLE_LAYERS)[number]) => base + NEEDLE_LAYERS.indexOf(needle);
    const r = await runCli(['audit', 'image', needleTag(name), '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
    const findings = (JSON.parse(r.stdout) as { targets: Array<{ findings: JsonFinding[] }> }).targets[0]!.findings;

    // every needle is checked before anything fails, so a run shows all that were missed
    const problems: string[] = [];
    const at = (ruleId: string, path: string) => findings.filter((f) => f.ruleId === ruleId && f.location?.path === path);
    const expectFound = (ruleId: string, path: string, layer: number | undefined, minimum: Severity, count = 1) => {
      const hits = at(ruleId, path);
      if (hits.length < count) problems.push(`${ruleId} ${path}: ${hits.length} finding(s), expected ${count}`);
      for (const f of hits) {
        if (!atOrAbove(f.severity, minimum)) problems.push(`${ruleId} ${path}: ${f.severity}, expected ${minimum} or above`);
        const l = f.location?.layer;
        if (layer !== undefined && (l?.index !== layer || l.digest !== layers[layer])) problems.push(`${ruleId} ${path}: layer ${l?.index} ${l?.digest}, expected ${layer} ${layers[layer]}`);
      }
    };

    // an AWS key pair in an app config: the key id and the secret, each a finding
    expectFound('IM003', '/opt/app/config/aws.ini', layerOf('aws-config'), 'high', 2);
    // a private key in a home directory
    expectFound('IM003', '/home/needle/.ssh/id_rsa', layerOf('home-key'), 'high');
    // a GitHub token that a later layer deletes: still in the layer that added it
    expectFound('IM004', '/opt/app/.github-token', layerOf('github-token'), 'high');
    for (const f of at('IM004', '/opt/app/.github-token')) {
      if (!f.message.includes(`hidden by layer ${layerOf('delete-token')}`)) problems.push(`IM004 /opt/app/.github-token: "${f.message}" does not name the deleting layer ${layerOf('delete-token')}`);
    }
    if (at('IM003', '/opt/app/.github-token').length) problems.push('IM003 on /opt/app/.github-token, which the final filesystem does not have');
    // a setuid-root copy of bash under a name that is not a shell's: by its content, a root
    // shell for anyone, as critical as /bin/bash itself would be (issue 9)
    expectFound('IM001', '/usr/local/bin/pgsh', layerOf('setuid-shell'), 'critical');
    // a world-writable directory without the sticky bit
    expectFound('IM002', '/srv/drop', layerOf('world-writable'), 'medium');
    // a provider-format key where stock content lives
    expectFound('IM003', VENDOR_PATH[name], layerOf('vendor-path'), 'high');
    // a secret in ENV: in the image config, not in a layer
    expectFound('IM005', 'config.Env.STRIPE_API_KEY', undefined, 'high');
    expect(problems).toEqual([]);
  }, 600_000); // a build and a scan of a several-hundred-MB image: minutes on a shared 2-core machine
});
