#!/usr/bin/env node
// Generates src/learn/data/syscalls-<arch>.ts: syscall number -> name for each audit arch
// `bulkhead learn` names (x86_64, i386, x32, aarch64), from Debian's uapi headers run through
// the C preprocessor, so the kernel's own #if logic (asm-generic's __SC_3264, __ARCH_WANT_*)
// decides which names an arch has, not a hand-written table.
//
//   x86_64, i386, x32: /usr/include/x86_64-linux-gnu/asm/unistd_{64,32,x32}.h (linux-libc-dev)
//   aarch64:           <root>/usr/aarch64-linux-gnu/include/asm/unistd.h, which is arm64's
//                      __ARCH_WANT_* lines + asm-generic/unistd.h (linux-libc-dev-arm64-cross;
//                      installed, or `apt-get download linux-libc-dev-arm64-cross` and pass the .deb)
//
// Numbers newer than those headers (Linux 6.1 ends at 450) come from NEWER below: the kernel's
// syscall tables, where every syscall since 5.1 has one number on all arches, except where an
// arch leaves one out.
//
// Usage: node scripts/gen-syscall-tables.mjs [--arm64-deb FILE.deb] [--check]
//   --check: exit 1 when a committed table differs from what would be generated (no writes);
//   exit 2 when a source header is missing
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = fileURLToPath(new URL('../src/learn/data/', import.meta.url));
const args = process.argv.slice(2);
const check = args.includes('--check');
const debAt = args.indexOf('--arm64-deb');
const arm64Deb = debAt >= 0 ? args[debAt + 1] : undefined;

/**
 * 451-462, added in Linux 6.2-6.10 (after the 6.1 headers), as arch/x86/entry/syscalls/syscall_64.tbl,
 * syscall_32.tbl and include/uapi/asm-generic/unistd.h (arm64) list them in Linux 6.10.
 * `abis`: where the number exists. map_shadow_stack is `64` only in syscall_64.tbl (not x32) and
 * absent from syscall_32.tbl; asm-generic reserves 453 for it (arm64 GCS, Linux 6.13).
 */
const NEWER = [
  [451, 'cachestat'], [452, 'fchmodat2'], [453, 'map_shadow_stack', ['x86_64', 'aarch64']], [454, 'futex_wake'], [455, 'futex_wait'],
  [456, 'futex_requeue'], [457, 'statmount'], [458, 'listmount'], [459, 'lsm_get_self_attr'], [460, 'lsm_set_self_attr'],
  [461, 'lsm_list_modules'], [462, 'mseal'],
];
const NEWER_SOURCE = 'Linux 6.10 arch/x86/entry/syscalls/syscall_{64,32}.tbl and include/uapi/asm-generic/unistd.h';

function debVersion(pkg) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** `#define __NR_x` names in a header and the headers it includes from the same tree. */
function candidateNames(files) {
  const names = new Set();
  for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/#define\s+__NR_(\w+)\s/g)) names.add(m[1]);
  // asm-generic bookkeeping, not syscalls
  for (const n of ['syscalls', 'arch_specific_syscall']) names.delete(n);
  return [...names].sort();
}

/** Each candidate's value after the preprocessor, for a header included with these flags. */
function preprocess(include, names, flags) {
  const src = [`#include <${include}>`, ...names.map((n) => `#ifdef __NR_${n}\nSYSCALL ${n} __NR_${n}\n#endif`)].join('\n');
  const text = execFileSync('cpp', ['-P', '-nostdinc', ...flags, '-'], { input: src, encoding: 'utf8' });
  const table = new Map();
  for (const line of text.split('\n')) {
    const m = /^SYSCALL (\w+) (.+)$/.exec(line.trim());
    if (!m) continue;
    const expr = m[2].replace(/\s+/g, '');
    if (!/^[()0-9a-fx+]+$/i.test(expr)) throw new Error(`__NR_${m[1]}: unexpected value ${m[2]}`);
    const nr = Number(Function(`"use strict"; return (${expr});`)());
    if (table.has(nr)) throw new Error(`${include}: ${nr} is both ${table.get(nr)} and ${m[1]}`);
    table.set(nr, m[1]);
  }
  return table;
}

const X32_BIT = 0x40000000;
const x86 = '/usr/include/x86_64-linux-gnu/asm';
const x86Version = debVersion('linux-libc-dev');
const die = (msg) => {
  console.error(`gen-syscall-tables: ${msg}`);
  process.exit(2);
};
if (!existsSync(`${x86}/unistd_64.h`)) die(`${x86}/unistd_64.h missing: apt-get install linux-libc-dev`);

let arm64Root = '/';
let arm64Version = debVersion('linux-libc-dev-arm64-cross');
let scratch;
if (arm64Deb) {
  scratch = mkdtempSync(join(tmpdir(), 'gen-syscalls-'));
  execFileSync('dpkg-deb', ['-x', arm64Deb, scratch]);
  arm64Root = scratch;
  arm64Version = execFileSync('dpkg-deb', ['-f', arm64Deb, 'Version'], { encoding: 'utf8' }).trim();
}
const arm64 = join(arm64Root, 'usr/aarch64-linux-gnu/include');
if (!existsSync(join(arm64, 'asm/unistd.h'))) die(`${arm64}/asm/unistd.h missing: apt-get install linux-libc-dev-arm64-cross, or \`apt-get download linux-libc-dev-arm64-cross\` and pass --arm64-deb FILE`);

const tables = [
  {
    arch: 'x86_64', constName: 'SYSCALLS_X86_64', audit: 'c000003e (AUDIT_ARCH_X86_64)',
    source: `/usr/include/x86_64-linux-gnu/asm/unistd_64.h from Debian's linux-libc-dev ${x86Version}`,
    table: preprocess('asm/unistd_64.h', candidateNames([`${x86}/unistd_64.h`]), ['-I', '/usr/include/x86_64-linux-gnu', '-I', '/usr/include']),
  },
  {
    arch: 'i386', constName: 'SYSCALLS_I386', audit: '40000003 (AUDIT_ARCH_I386: 32-bit processes on an x86_64 kernel, or an i386 host)',
    source: `/usr/include/x86_64-linux-gnu/asm/unistd_32.h from Debian's linux-libc-dev ${x86Version}`,
    table: preprocess('asm/unistd_32.h', candidateNames([`${x86}/unistd_32.h`]), ['-I', '/usr/include/x86_64-linux-gnu', '-I', '/usr/include']),
  },
  {
    arch: 'x32', constName: 'SYSCALLS_X32', audit: 'c000003e (AUDIT_ARCH_X86_64) with __X32_SYSCALL_BIT (0x40000000) set in the number; keyed here without the bit',
    source: `/usr/include/x86_64-linux-gnu/asm/unistd_x32.h from Debian's linux-libc-dev ${x86Version}`,
    table: new Map([...preprocess('asm/unistd.h', candidateNames([`${x86}/unistd_x32.h`]), ['-D__ILP32__', '-I', '/usr/include/x86_64-linux-gnu', '-I', '/usr/include'])].map(([nr, n]) => [nr - X32_BIT, n])),
  },
  {
    arch: 'aarch64', constName: 'SYSCALLS_AARCH64', audit: 'c00000b7 (AUDIT_ARCH_AARCH64)',
    source: `/usr/aarch64-linux-gnu/include/asm/unistd.h (arm64's __ARCH_WANT_* + asm-generic/unistd.h) from Debian's linux-libc-dev-arm64-cross ${arm64Version}`,
    table: preprocess('asm/unistd.h', candidateNames([join(arm64, 'asm/unistd.h'), join(arm64, 'asm-generic/unistd.h')]), ['-I', arm64]),
  },
];
if (scratch) rmSync(scratch, { recursive: true, force: true });

let differs = false;
for (const t of tables) {
  for (const [nr, name, abis] of NEWER) {
    if (abis && !abis.includes(t.arch)) continue;
    if (t.table.has(nr) && t.table.get(nr) !== name) throw new Error(`${t.arch} ${nr}: headers say ${t.table.get(nr)}, NEWER says ${name}`);
    t.table.set(nr, name);
  }
  for (const [nr] of t.table) if (!Number.isInteger(nr) || nr < 0 || nr >= X32_BIT) throw new Error(`${t.arch}: number ${nr} out of range`);
  const rows = [...t.table].sort((a, b) => a[0] - b[0]);
  const text = [
    '/**',
    ` * ${t.arch} syscall numbers -> names. Generated by scripts/gen-syscall-tables.mjs; do not edit.`,
    ` * Source: ${t.source} (Linux uapi headers, through cpp),`,
    ` * plus ${NEWER[0][0]}-${NEWER.at(-1)[0]} from ${NEWER_SOURCE} (newer than those headers).`,
    ` * Audit records (type 1326) of this arch give arch=${t.audit}.`,
    ' */',
    `export const ${t.constName}: Readonly<Record<number, string>> = {`,
    ...rows.map(([nr, name]) => `  ${nr}: '${name}',`),
    '};',
    '',
  ].join('\n');
  const file = join(out, `syscalls-${t.arch}.ts`);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (before === text) continue;
  differs = true;
  if (check) console.error(`gen-syscall-tables: ${file} differs from what the headers give`);
  else writeFileSync(file, text);
  console.error(`gen-syscall-tables: ${t.arch}: ${rows.length} names${check ? '' : ` -> ${file}`}`);
}
if (check && differs) process.exit(1);
