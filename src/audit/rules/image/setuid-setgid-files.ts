import { posix } from 'node:path';
import type { FindingDraft, Rule } from '../rule.js';
import type { Severity } from '../../model.js';
import type { ImageFacts } from '../../image/facts.js';
import type { SpecialFile } from '../../image/fs-scan.js';
import { layerLocation, scannedLayers } from './_helpers.js';

/** Programs that ship setuid/setgid in distributions for a reason: still a risk, the expected kind. */
const KNOWN_PRIVILEGED = new Set([
  'passwd', 'su', 'sudo', 'ping', 'ping6', 'mount', 'umount', 'newgrp', 'chsh', 'chfn', 'gpasswd', 'expiry', 'chage',
  'unix_chkpwd', 'ssh-keysign', 'fusermount', 'fusermount3', 'traceroute', 'traceroute6', 'wall', 'write', 'crontab',
  'dotlockfile', 'newuidmap', 'newgidmap', 'at', 'bsd-write', 'ssh-agent', 'mount.nfs', 'pam_timestamp_check',
  'Xorg.wrap', 'dbus-daemon-launch-helper', 'polkit-agent-helper-1', 'pkexec', 'sg', 'vlock', 'mail-lock', 'mail-unlock', 'mail-touchlock',
]);

/** Shells, interpreters and GTFOBins-style tools: setuid-root on these is a root shell for anyone. */
const SHELL_OR_INTERPRETER = /^(?:sh|bash|dash|ash|zsh|ksh|mksh|csh|tcsh|fish|busybox|toybox|python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|php[0-9.]*|lua[0-9.]*|tclsh[0-9.]*|wish|awk|gawk|mawk|nawk|vi|vim|nvim|find|env|nc|ncat|netcat|socat|strace|gdb|less|more|nano|ed|cp|mv|tee|dd|chmod|chown|tar|zip|unzip|rsync|java|expect|docker|runc)$/;

/** Risk order: setuid-root shell/interpreter > setuid-root unknown binary > known setuid programs > setgid only. */
export function setuidRisk(f: SpecialFile): { severity: Severity; why: string } {
  const base = posix.basename(f.path);
  const rootOwned = f.uid === 0;
  if (f.setuid && rootOwned && SHELL_OR_INTERPRETER.test(base)) return { severity: 'critical', why: 'a setuid-root shell or interpreter gives any user a root shell' };
  if (KNOWN_PRIVILEGED.has(base)) return { severity: f.setuid && rootOwned ? 'medium' : 'low', why: 'a well-known privileged program' };
  if (f.setuid && rootOwned) return { severity: 'high', why: 'an unknown setuid-root binary' };
  if (f.setuid) return { severity: 'medium', why: `runs as uid ${f.uid}` };
  if (SHELL_OR_INTERPRETER.test(base)) return { severity: 'high', why: `a setgid shell or interpreter runs with group ${f.gid}` };
  return { severity: 'low', why: `runs with group ${f.gid}` };
}

function modeString(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

export const setuidSetgidFiles: Rule<ImageFacts> = {
  meta: {
    id: 'IM001',
    slug: 'setuid-setgid-files',
    target: 'image',
    severity: 'high',
    title: 'Setuid or setgid file in the image',
    rationale:
      'A setuid (or setgid) file runs with the privileges of its owner (or group) whoever starts it. In a container that means a path from an unprivileged process to root through any flaw in that program; a setuid-root shell or interpreter is a root shell for anyone. Severity is ranked: shells and interpreters are critical, unknown setuid-root binaries high, well-known programs such as passwd or ping medium, setgid-only files low.',
    fix: 'Remove the bit in the Dockerfile (`RUN chmod u-s,g-s <path>` or `find / -perm /6000 -type f -exec chmod a-s {} +`), run with no-new-privileges, or, for a program the team really needs, accept it in the policy\'s gate.setuidAllowlist by path and sha256 so a changed binary is reported again.',
    cis: ['4.8'],
    references: ['https://gtfobins.github.io/#+suid'],
    example: { bad: 'RUN chmod 4755 /bin/busybox', good: 'RUN chmod 0755 /bin/busybox' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { layer, scan } of scannedLayers(facts)) {
      for (const f of scan.specialFiles) {
        if (!facts.final.visible(layer.index, f.path)) continue;
        const allowed = facts.setuidAllowlist.find((a) => a.path === f.path);
        const changed = allowed?.sha256 !== undefined && f.sha256 !== undefined && allowed.sha256.toLowerCase() !== f.sha256;
        if (allowed && !changed) continue;
        const risk = setuidRisk(f);
        const bits = [f.setuid ? 'setuid' : '', f.setgid ? 'setgid' : ''].filter(Boolean).join('+');
        const owner = `${f.uname ?? f.uid}:${f.gid}`;
        const message = changed
          ? `${f.path} is ${bits} (owner ${owner}) and allowlisted, but its content changed (sha256 ${f.sha256?.slice(0, 12)}…, allowlist has ${allowed.sha256?.slice(0, 12)}…)`
          : `${f.path} is ${bits} (owner ${owner}, mode ${modeString(f.mode)}): ${risk.why}`;
        out.push({
          message,
          severity: risk.severity,
          location: layerLocation(layer, f.path),
          evidence: `mode ${modeString(f.mode)} owner ${owner}${f.sha256 ? ` sha256:${f.sha256}` : ''}`,
          key: f.path,
        });
      }
    }
    return out;
  },
};
