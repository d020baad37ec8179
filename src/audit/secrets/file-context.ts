/**
 * What kind of file a match is in, decided once per file from its path (and, for a file
 * without an extension, whether it starts with `#!`). The format rules (a provider prefix and
 * shape) ignore this; the context rules (.npmrc syntax, URL credentials, generic
 * assignments) and the severities of test fixtures read it. See docs/secrets.md.
 */
import { posix } from 'node:path';

export type FileClass =
  /** program source: a secret-named assignment there is usually code handling a secret */
  | 'source'
  /** documentation: examples in prose, man pages, READMEs and changelogs */
  | 'doc'
  /** configuration, data, or unknown (no path): today's rules and severities */
  | 'config';

export interface FileContext {
  class: FileClass;
  /** a shell script: an unquoted value there is a literal (`PASSWORD=s3cr3t`), not an expression */
  shell: boolean;
  /** in a documentation tree (/usr/share/doc, man, info) or a README/CHANGELOG/.md: context rules report low */
  docs: boolean;
  /** named .npmrc / npmrc: npm config whatever its syntax looks like */
  npmrc: boolean;
  /** a package's own tests, fixtures or examples (shipped key material, reported low, grouped per package) */
  fixture?: { package: string; dir: string };
  /** a key a package generates at install (SSH host keys, the ssl-cert snakeoil key): shared by every container of the image */
  installKey?: InstallKey;
}

export const UNKNOWN_CONTEXT: FileContext = { class: 'config', shell: false, docs: false, npmrc: false };

const SOURCE_EXTENSIONS = new Set([
  'py', 'pyi', 'pyw', 'js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'rb', 'pl', 'pm', 'php', 'go', 'java', 'kt',
  'scala', 'groovy', 'sh', 'bash', 'zsh', 'ksh', 'c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'hh', 'cs', 'rs', 'swift', 'lua', 'tcl', 'el',
  // source maps: JSON holding the sources they map
  'map',
]);
const SHELL_EXTENSIONS = new Set(['sh', 'bash', 'zsh', 'ksh']);
/** `#!/bin/sh`, `#!/usr/bin/env bash`, `#!/bin/dash -e` */
const SHELL_SHEBANG = /^#!\s*\S*?\b(?:env\s+)?(?:ba|da|a|z|k|mk)?sh\b/;
const DOC_EXTENSIONS = new Set(['md', 'markdown', 'rst', 'adoc', 'asciidoc', 'rdoc', 'pod', 'texi', 'texinfo']);
/** README, CHANGELOG, CHANGES, HISTORY, NEWS (any extension, any case) */
const DOC_BASENAME = /^(?:readme|changelog|changes|history|news)(?:[._-].*)?$|^(?:PKG-INFO|METADATA)$/i;
const DOC_DIRS = /^\/usr\/(?:local\/)?share\/(?:doc|man|info|gtk-doc|help|devhelp)\//;

/** Directories a package keeps its tests, fixtures and examples in. */
const FIXTURE_DIRS = new Set(['test', 'tests', 'testing', 'testdata', '__tests__', 'fixture', 'fixtures', '__fixtures__', 'spec', 'example', 'examples']);
/** test.js, foo.test.ts, foo.spec.js, test_foo.py, foo_test.go, x.examples.json */
const FIXTURE_FILE = /^(?:tests?\.[a-z]+|test_.*\.py|.*[._-](?:test|spec)\.[a-z]+|.*_test\.(?:go|py)|.*[._-]examples?\.[a-z]+)$/i;

/**
 * Where a package's own directory starts, and its name: node_modules/[@scope/]name,
 * site-/dist-packages/name, a Python or Go standard library, /usr/share/doc/pkg, a gem, a Go module.
 * Only inside one of these is a test or example directory someone else's fixture; /app/test/key.pem
 * is the image author's own file.
 */
const PACKAGE_ROOTS: ReadonlyArray<{ re: RegExp; name: (m: RegExpExecArray) => string }> = [
  { re: /^(.*\/node_modules\/((?:@[^/]+\/)?[^/]+))\//, name: (m) => m[2]! },
  { re: /^(.*\/(?:site|dist)-packages\/([^/]+))\//, name: (m) => m[2]! },
  { re: /^(\/usr\/(?:local\/)?lib\/(python\d+(?:\.\d+)?))\//, name: (m) => `${m[2]} standard library` },
  { re: /^(\/usr\/(?:local\/)?share\/doc\/([^/]+))\//, name: (m) => m[2]! },
  { re: /^(.*\/gems\/([^/]+))\//, name: (m) => m[2]! },
  { re: /^(.*\/pkg\/mod\/(.+?@[^/]+))\//, name: (m) => m[2]! },
  { re: /^(\/usr\/(?:local\/)?(?:lib|share)\/(go(?:-[\d.]+)?))\//, name: (m) => `${m[2]} standard library` },
  { re: /^(\/usr\/local\/(go))\//, name: () => 'go standard library' },
];

export interface InstallKey {
  title: string;
  note: string;
}

/** Private keys that Debian packages generate in their postinst: real, and the same in every container of the image. */
const INSTALL_KEYS: ReadonlyArray<{ re: RegExp; key: InstallKey }> = [
  {
    re: /^\/etc\/ssh\/ssh_host_[a-z0-9]+_key$/,
    key: {
      title: 'SSH host private key generated when openssh-server was installed',
      note: 'every container of this image (and of every image built from it) has the same host key, so one leaked copy lets anyone impersonate all of them; remove /etc/ssh/ssh_host_*_key in the image and generate them at first start (`ssh-keygen -A` in the entrypoint)',
    },
  },
  {
    re: /^\/etc\/ssl\/private\/ssl-cert-snakeoil\.key$/,
    key: {
      title: 'TLS "snakeoil" private key generated when ssl-cert was installed',
      note: 'every container of this image has the same self-signed key; remove it in the image and generate it at first start (`make-ssl-cert generate-default-snakeoil --force-overwrite` in the entrypoint), or mount a real certificate and key at run time',
    },
  },
];

function fixtureOf(path: string): FileContext['fixture'] {
  for (const { re, name } of PACKAGE_ROOTS) {
    const m = re.exec(path);
    if (!m) continue;
    const dir = m[1]!;
    const rest = path.slice(dir.length + 1).split('/');
    const file = rest.pop()!;
    if (rest.some((s) => FIXTURE_DIRS.has(s.toLowerCase())) || FIXTURE_FILE.test(file)) {
      return { package: name(m), dir };
    }
    return undefined; // the innermost kind of root decides (node_modules before site-packages)
  }
  return undefined;
}

/**
 * The file's context from its path; `shebang` (the first line, when the file starts with `#!`)
 * decides for a file without an extension: a script. Cheap: a few string tests, once per file.
 */
export function fileContext(path: string | undefined, shebang?: string): FileContext {
  if (path === undefined) return UNKNOWN_CONTEXT;
  const base = posix.basename(path);
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  const docs = DOC_DIRS.test(path) || DOC_EXTENSIONS.has(ext) || DOC_BASENAME.test(base);
  const script = ext === '' && shebang !== undefined;
  // a .c file in /usr/share/doc/.../examples is source; a .md file is documentation
  const cls: FileClass = SOURCE_EXTENSIONS.has(ext) || script ? 'source' : docs ? 'doc' : 'config';
  const shell = SHELL_EXTENSIONS.has(ext) || (script && SHELL_SHEBANG.test(shebang));
  const ctx: FileContext = { class: cls, shell, docs, npmrc: base === '.npmrc' || base === 'npmrc' };
  if (path.startsWith('/etc/')) {
    const installKey = INSTALL_KEYS.find((k) => k.re.test(path))?.key;
    if (installKey) ctx.installKey = installKey;
  }
  const fixture = path.includes('/') ? fixtureOf(path) : undefined;
  if (fixture) ctx.fixture = fixture;
  return ctx;
}

/** The first line of a file that starts with `#!` (at most 80 bytes), for fileContext. */
export function shebangOf(start: string | Uint8Array): string | undefined {
  if (typeof start === 'string') return start.startsWith('#!') ? start.slice(0, 80).split('\n')[0] : undefined;
  if (start[0] !== 0x23 || start[1] !== 0x21) return undefined;
  return Buffer.from(start.buffer, start.byteOffset, Math.min(80, start.length)).toString('latin1').split('\n')[0];
}
