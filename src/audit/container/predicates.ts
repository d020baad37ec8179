import type { ContainerFacts, UnknownFact } from './facts.js';
import { posix } from 'node:path';
import { isRootUser } from '../../users.js';

/**
 * Root by name or uid, or a named user that the container's /etc/passwd makes uid 0. Config.User
 * is "" when neither the image nor `run` set one: the process runs as root then.
 */
export function containerRunsAsRoot(c: { user: string; userUid?: number }): boolean {
  return isRootUser(c.user) || c.userUid === 0;
}

/**
 * A bind source as the kernel resolves it, spelled once: "/var/run/../run//docker.sock/" ->
 * "/run/docker.sock". Inspect already reports clean paths; create requests, compose files and
 * pod specs carry what the user typed.
 */
export function cleanHostPath(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/** "no-new-privileges", "no-new-privileges:true" and "no-new-privileges=true" all turn it on. */
export function hasNoNewPrivileges(securityOpt: readonly string[]): boolean {
  return securityOpt.some((o) => /^no-new-privileges(?:[:=]true)?$/i.test(o.trim()));
}

/** The value of a "seccomp=..." / "apparmor:..." option, when given. */
export function securityOptValue(securityOpt: readonly string[], name: 'seccomp' | 'apparmor' | 'label'): string | undefined {
  for (const o of securityOpt) {
    const m = new RegExp(`^${name}[:=](.*)$`, 'i').exec(o.trim());
    if (m) return m[1];
  }
  return undefined;
}

export function isHostMode(mode: string): boolean {
  return mode === 'host';
}

/** The engine maps root to an unprivileged uid (userns-remap or a rootless engine). */
export function rootIsRemapped(facts: ContainerFacts): boolean {
  return (facts.engine.userns && facts.namespaces.userns !== 'host') || facts.engine.rootless;
}

export function unlimitedPids(limit: number | null): boolean {
  return limit === null || limit <= 0;
}

/** Published on every interface: "", 0.0.0.0 or :: */
export function allInterfaces(hostIp: string): boolean {
  return hostIp === '' || hostIp === '0.0.0.0' || hostIp === '::' || hostIp === '[::]';
}

/** False when the input could not know this fact (see ContainerFacts.unknown). */
export function factKnown(facts: Pick<ContainerFacts, 'unknown'>, fact: UnknownFact): boolean {
  return !facts.unknown?.includes(fact);
}
