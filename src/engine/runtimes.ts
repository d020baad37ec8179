/**
 * The OCI runtimes an engine has registered (GET /info `Runtimes` and `DefaultRuntime`), and
 * what kind each is. Shared by `run` (which picks gVisor for a sandboxed policy) and the host
 * audit (which reports what is registered), so both read the map the same way.
 */

/** One entry of GET /info's Runtimes: name -> { path, runtimeArgs } (dockerd 23+ may give a shim type instead of a path). */
export interface EngineRuntime {
  path?: string;
  runtimeArgs?: string[];
  runtimeType?: string;
}
export type EngineRuntimes = Record<string, EngineRuntime>;

/** A user-space kernel (gVisor) or a lightweight VM (Kata) between the container and the host kernel. */
export type SandboxKind = 'gvisor' | 'kata';

/** The file name of a runtime's binary (`/usr/bin/runsc` -> `runsc`); '' for a runtime given by shim type only. */
export function binaryName(runtime: EngineRuntime | undefined): string {
  const p = runtime?.path ?? '';
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * gVisor is runsc (or its containerd shim); Kata is kata-runtime, its per-hypervisor wrappers
 * (kata-qemu, kata-fc, kata-clh) or containerd-shim-kata-v2, or the shim types dockerd 23+
 * registers (io.containerd.runsc.v1, io.containerd.kata.v2). Decided by binary, never by the
 * name it was registered under: a runtime called "runsc" that runs runc is no sandbox.
 */
export function sandboxKind(runtime: EngineRuntime | undefined): SandboxKind | undefined {
  const bin = binaryName(runtime);
  const type = runtime?.runtimeType ?? '';
  if (bin === 'runsc' || bin === 'containerd-shim-runsc-v1' || /^io\.containerd\.runsc\.v\d+$/.test(type)) return 'gvisor';
  if (/^kata-(runtime|qemu|fc|clh|dragonball|stratovirt)$/.test(bin) || bin === 'containerd-shim-kata-v2' || /^io\.containerd\.kata(-[a-z]+)?\.v\d+$/.test(type)) return 'kata';
  return undefined;
}

/** A runtime is gVisor when its binary is runsc, whatever name it was registered under (the runtimeArgs are visible only then). */
export function gvisorRuntimes(runtimes: EngineRuntimes): string[] {
  return Object.entries(runtimes)
    .filter(([, r]) => binaryName(r) === 'runsc')
    .map(([name]) => name)
    .sort((a, b) => (a === 'runsc' ? -1 : b === 'runsc' ? 1 : a.localeCompare(b)));
}

/** runsc ignores the OCI seccomp profile unless it was registered with --oci-seccomp (the last occurrence wins, as in Go's flag package). */
export function enforcesSeccomp(runtime: { runtimeArgs?: string[] } | undefined): boolean {
  const flags = (runtime?.runtimeArgs ?? []).filter((a) => /^--?oci-seccomp(=|$)/.test(a));
  const last = flags.at(-1);
  return last !== undefined && /^--?oci-seccomp(=(true|1|t|T|TRUE|True))?$/.test(last);
}

/**
 * GET /info's Runtimes as a typed map; undefined when the engine did not send one (an old or
 * unusual engine), so what is unknown is not mistaken for "none registered".
 */
export function runtimesFromInfo(info: Record<string, unknown>): EngineRuntimes | undefined {
  const raw = info.Runtimes;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out: EngineRuntimes = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const v = (value ?? {}) as Record<string, unknown>;
    const entry: EngineRuntime = {};
    if (typeof v.path === 'string') entry.path = v.path;
    if (Array.isArray(v.runtimeArgs)) entry.runtimeArgs = v.runtimeArgs.filter((a): a is string => typeof a === 'string');
    if (typeof v.runtimeType === 'string') entry.runtimeType = v.runtimeType;
    out[name] = entry;
  }
  return out;
}
