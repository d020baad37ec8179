import { posix } from 'node:path';
import type { FindingDraft, Rule } from '../rule.js';
import type { Severity } from '../../model.js';
import type { ImageFacts } from '../../image/facts.js';
import type { SpecialFile } from '../../image/fs-scan.js';
import { DISTRO_SETUID_PATHS, PROGRAM_DIRS, SHELL_NAMES, VERSIONED_SHELL_NAMES } from '../../image/data/programs.js';
import { permissionBits } from '../../file-mode.js';
import { layerLocation, scannedLayers } from './_helpers.js';

const SHELL_NAME_SET = new Set(SHELL_NAMES);
const VERSIONED_SHELL = new RegExp(`^(?:${VERSIONED_SHELL_NAMES.join('|')})[0-9.]*$`);
const PROGRAM_DIR_SET = new Set(PROGRAM_DIRS);

/** Whether a path is where a shell or interpreter is installed: a shell name in a program directory. */
export function isShellPath(path: string): boolean {
  const base = posix.basename(path);
  return PROGRAM_DIR_SET.has(posix.dirname(path)) && (SHELL_NAME_SET.has(base) || VERSIONED_SHELL.test(base));
}

/** Each distro path, and its twin across merged /usr (/bin/su is /usr/bin/su on Debian 12). */
const DISTRO_SETUID = new Set(
  DISTRO_SETUID_PATHS.flatMap((p) => {
    if (/^\/s?bin\//.test(p)) return [p, `/usr${p}`];
    if (/^\/usr\/s?bin\//.test(p)) return [p, p.slice(4)];
    return [p];
  }),
);

export function isDistroSetuidPath(path: string): boolean {
  return DISTRO_SETUID.has(path);
}

/**
 * What the content of the image's programs is, by sha256: the files at shell and interpreter
 * paths, and the files at the distro's setuid paths, in any layer (a later layer may copy a
 * shell whose original an earlier one installed). A setuid file is judged by what its bytes
 * are, not by what it is called.
 */
export interface ProgramHashes {
  /** sha256 -> a path where that content is a shell or interpreter */
  shells: Map<string, string>;
  /** sha256 -> a distro setuid program path with that content */
  distro: Map<string, string>;
}

/** An empty file is no program: a placeholder at /usr/bin/python3 says nothing about an empty setuid file. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function programHashes(facts: ImageFacts): ProgramHashes {
  const out: ProgramHashes = { shells: new Map(), distro: new Map() };
  for (const { scan } of scannedLayers(facts)) {
    for (const f of scan.hashedFiles) {
      if (f.sha256 === EMPTY_SHA256) continue;
      if (isShellPath(f.path) && !out.shells.has(f.sha256)) out.shells.set(f.sha256, f.path);
      if (isDistroSetuidPath(f.path) && !out.distro.has(f.sha256)) out.distro.set(f.sha256, f.path);
    }
  }
  return out;
}

/**
 * Risk order: a setuid-root shell or interpreter (by content) > an unknown setuid-root binary >
 * the distro's own setuid programs > setgid only. Without a hash (a hard link whose target was
 * not read) the path decides, as the best there is.
 */
export function setuidRisk(f: SpecialFile, known: ProgramHashes = { shells: new Map(), distro: new Map() }): { severity: Severity; why: string } {
  const rootOwned = f.uid === 0;
  const shellAt = f.sha256 !== undefined ? known.shells.get(f.sha256) : undefined;
  const isShell = shellAt !== undefined || (f.sha256 === undefined && isShellPath(f.path));
  const copyOf = shellAt !== undefined && shellAt !== f.path ? ` (the same content as ${shellAt})` : '';
  if (f.setuid && isShell) {
    return rootOwned
      ? { severity: 'critical', why: `a setuid-root shell or interpreter${copyOf} gives any user a root shell` }
      : { severity: 'high', why: `a setuid shell or interpreter${copyOf} gives any user a shell as uid ${f.uid}` };
  }
  if (isShell) return { severity: 'high', why: `a setgid shell or interpreter${copyOf} runs with group ${f.gid}` };
  const distroAt = isDistroSetuidPath(f.path) ? f.path : f.sha256 !== undefined ? known.distro.get(f.sha256) : undefined;
  if (distroAt !== undefined) {
    const kind = f.setuid ? 'setuid' : 'setgid';
    const what = distroAt === f.path ? `a distro ${kind} program` : `a copy of the distro ${kind} program ${distroAt}`;
    return { severity: f.setuid && rootOwned ? 'medium' : 'low', why: what };
  }
  if (f.setuid && rootOwned) return { severity: 'high', why: 'an unknown setuid-root binary' };
  if (f.setuid) return { severity: 'medium', why: `runs as uid ${f.uid}` };
  return { severity: 'low', why: `runs with group ${f.gid}` };
}

export const setuidSetgidFiles: Rule<ImageFacts> = {
  meta: {
    id: 'IM001',
    slug: 'setuid-setgid-files',
    target: 'image',
    severity: 'high',
    title: 'Setuid or setgid file in the image',
    rationale:
      'A setuid (or setgid) file runs with the privileges of its owner (or group) whoever starts it. In a container that means a path from an unprivileged process to root through any flaw in that program; a setuid-root shell or interpreter is a root shell for anyone. Severity is ranked by content, not by name: a file whose sha256 is that of a shell or interpreter in the same image (bash, sh, dash, busybox, python3, perl, ... at their usual paths) is critical under any name; unknown setuid-root binaries are high; the distro\'s own setuid programs (su, passwd, mount, ping, sudo, ... at their distro paths, or a byte-identical copy) are medium; setgid-only files low.',
    fix: 'Remove the bit in the Dockerfile (`RUN chmod u-s,g-s <path>` or `find / -perm /6000 -type f -exec chmod a-s {} +`), run with no-new-privileges, or, for a program the team really needs, accept it in the policy\'s gate.setuidAllowlist by path and sha256 so a changed binary is reported again.',
    cis: ['4.8'],
    references: ['https://gtfobins.github.io/#+suid'],
    example: { bad: 'RUN cp /bin/bash /usr/local/bin/pgsh && chmod 4755 /usr/local/bin/pgsh', good: 'RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const known = programHashes(facts);
    for (const { layer, scan } of scannedLayers(facts)) {
      for (const f of scan.specialFiles) {
        if (!facts.final.visible(layer.index, f.path)) continue;
        const risk = setuidRisk(f, known);
        const bits = [f.setuid ? 'setuid' : '', f.setgid ? 'setgid' : ''].filter(Boolean).join('+');
        const owner = `${f.uname ?? f.uid}:${f.gid}`;
        out.push({
          message: `${f.path} is ${bits} (owner ${owner}, mode ${permissionBits(f.mode)}): ${risk.why}`,
          severity: risk.severity,
          location: layerLocation(layer, f.path),
          evidence: `mode ${permissionBits(f.mode)} owner ${owner}${f.sha256 ? ` sha256:${f.sha256}` : ''}`,
          key: f.path,
        });
      }
    }
    return out;
  },
};
