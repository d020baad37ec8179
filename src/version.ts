import { readFileSync } from 'node:fs';

/** The package root (works from src/ under vitest and from dist/ after the build). */
export const packageRoot = new URL('..', import.meta.url);

let cached: string | undefined;
/** bulkhead's own version, read once from package.json. */
export function toolVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as { version: string };
    cached = pkg.version;
  }
  return cached;
}
