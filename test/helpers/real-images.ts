/**
 * The real test images of scripts/real-images (Debian bookworm packages via debootstrap):
 * tags are content hashes of their package lists, so tests ask the script (or its manifest)
 * rather than hard-coding them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REAL_IMAGE_NAMES = ['python', 'node', 'jvm', 'go', 'nginx', 'postgres', 'sshd', 'redis'] as const;
export type RealImageName = (typeof REAL_IMAGE_NAMES)[number];

const script = new URL('../../scripts/real-images', import.meta.url).pathname;

export function realImagesManifestPath(env: Record<string, string | undefined> = process.env): string {
  return join(env.BULKHEAD_REAL_CACHE || '/var/cache/bulkhead-real', 'manifest.json');
}

/**
 * Makes sure the named images exist (the script builds what is missing: needs root on Debian,
 * and says what is missing otherwise) and returns their tags. Cached images cost a second.
 */
export function ensureRealImages(names: readonly RealImageName[] = REAL_IMAGE_NAMES): Record<RealImageName, string> {
  const r = spawnSync('bash', [script, '--quiet', '--print-tags', ...names], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60 * 60_000, maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) {
    const said = r.stderr.trim().split('\n').slice(-20).join('\n');
    throw new Error(`scripts/real-images ${names.join(' ')} failed (exit ${r.status ?? r.signal}): the real test images are missing\n${said}`);
  }
  const tags = {} as Record<RealImageName, string>;
  for (const line of r.stdout.split('\n')) {
    const [name, tag] = line.trim().split(' ');
    if (name && tag) tags[name as RealImageName] = tag;
  }
  for (const n of names) if (!tags[n]) throw new Error(`scripts/real-images printed no tag for ${n}`);
  return tags;
}

/** The tag of a real image from the manifest of the last scripts/real-images run. */
export function realImageTag(name: RealImageName, env: Record<string, string | undefined> = process.env): string {
  const path = realImagesManifestPath(env);
  let manifest: { images?: Record<string, { tag?: string }> };
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as typeof manifest;
  } catch (e) {
    throw new Error(`cannot read ${path} (${(e as Error).message}): run scripts/real-images`);
  }
  const tag = manifest.images?.[name]?.tag;
  if (!tag) throw new Error(`${path} has no image "${name}": run scripts/real-images ${name}`);
  return tag;
}
