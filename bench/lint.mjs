// bench/lint: 1,000 generated, realistic Dockerfiles through the whole command, end to end.
// Run after `npm run build`:  node bench/lint.mjs [count]
// Prints wall time and files/s for `bulkhead audit dockerfile DIR --format json --fail-on never`,
// and a baseline measured in the same run: a node process that only reads and dockerfile-ast-parses
// the same files (no shell lexing, no rules, no report). Target: < 1.5 s wall for 1,000 files.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const COUNT = Number(process.argv[2] ?? 1000);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/bulkhead.js');

// A small deterministic PRNG so every run lints the same corpus.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const BASES = ['node:22-bookworm-slim', 'node:18-alpine', 'python:3.12-slim', 'python:3.8', 'golang:1.23', 'debian:bookworm-slim', 'ubuntu:22.04', 'alpine:3.20', 'eclipse-temurin:21-jre', 'nginx:1.27'];
const PKGS = ['curl', 'ca-certificates', 'git', 'build-essential', 'libpq-dev', 'openssl', 'tini', 'jq', 'unzip', 'gnupg'];

function dockerfile(i) {
  const lines = ['# syntax=docker/dockerfile:1', `ARG BASE=${pick(BASES)}`, `ARG APP_VERSION=1.${i % 50}.0`, 'FROM ${BASE} AS deps', 'WORKDIR /src'];
  lines.push(
    'RUN set -eux; \\',
    '    apt-get update; \\',
    `    apt-get install -y --no-install-recommends ${[pick(PKGS), pick(PKGS), pick(PKGS)].join(' ')}; \\`,
    '    rm -rf /var/lib/apt/lists/*',
  );
  if (i % 3 === 0) lines.push('RUN curl -fsSL https://deb.example.com/setup.sh | bash -');
  if (i % 4 === 0) lines.push('RUN pip install -r requirements.txt && cd /src && make deps');
  lines.push('COPY package.json package-lock.json ./', 'RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev');
  lines.push('', 'FROM deps AS build', 'COPY . .');
  lines.push('RUN <<EOF', 'set -e', 'npm run build', 'npm prune --production', `echo "built ${i}" > /src/BUILD`, 'EOF');
  if (i % 5 === 0) lines.push('ARG NPM_TOKEN', 'RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm publish');
  if (i % 7 === 0) lines.push('RUN chmod 4755 /src/bin/helper && chmod -R 777 /src/tmp');
  lines.push('', `FROM ${pick(BASES)}`, 'LABEL org.opencontainers.image.source="https://git.example.com/org/app"');
  if (i % 6 === 0) lines.push('MAINTAINER ops@example.com');
  lines.push('ENV NODE_ENV=production PORT=8080');
  if (i % 11 === 0) lines.push('ENV GITHUB_TOKEN=ghp_1234567890abcdefghijABCDEFGHIJ1234' + String(i % 10).padStart(2, '0'));
  lines.push('WORKDIR /app', 'COPY --from=build --chown=10001:10001 /src/dist ./dist', 'COPY --from=build /src/node_modules ./node_modules');
  if (i % 2 === 0) lines.push('USER 10001:10001');
  if (i % 4 === 1) lines.push('HEALTHCHECK --interval=30s CMD ["node", "dist/health.js"]');
  lines.push('EXPOSE 8080', i % 8 === 0 ? 'CMD node dist/server.js' : 'CMD ["node", "dist/server.js"]');
  return `${lines.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-bench-lint-'));
try {
  let bytes = 0;
  for (let i = 0; i < COUNT; i++) {
    const svc = join(dir, `svc-${String(i).padStart(4, '0')}`);
    mkdirSync(svc);
    const text = dockerfile(i);
    bytes += text.length;
    writeFileSync(join(svc, 'Dockerfile'), text);
    if (i % 2 === 0) writeFileSync(join(svc, '.dockerignore'), '.git\n.env*\n**/*.pem\n**/*.key\nnode_modules\n');
  }

  const baselineScript = `
    import { readdirSync, readFileSync } from 'node:fs';
    import { join } from 'node:path';
    import { DockerfileParser } from 'dockerfile-ast';
    const dir = process.argv[1];
    let instructions = 0;
    for (const svc of readdirSync(dir)) {
      const df = DockerfileParser.parse(readFileSync(join(dir, svc, 'Dockerfile'), 'utf8'));
      for (const i of df.getInstructions()) { i.getArgumentsContent(); instructions++; }
    }
    console.log(instructions);`;

  const time = (args, options = {}) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30, cwd: ROOT, ...options });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return { ms, stdout: r.stdout };
  };

  // best of 5: the CI machine is shared, and the best run is the one least disturbed by others
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const best = (f) => Array.from({ length: runs }, f).sort((a, b) => a.ms - b.ms)[0];
  const base = best(() => time(['--input-type=module', '-e', baselineScript, dir]));
  const full = best(() => time([BIN, 'audit', 'dockerfile', dir, '--format', 'json', '--fail-on', 'never']));
  const report = JSON.parse(full.stdout);
  const findings = report.targets.reduce((n, t) => n + t.findings.length, 0);
  const errors = report.targets.reduce((n, t) => n + t.errors.length, 0);
  if (report.targets.length !== COUNT) throw new Error(`expected ${COUNT} targets, got ${report.targets.length}`);

  // Why shell-quote and not sh-syntax (mvdan/sh in WASM): both over the same RUN texts.
  const runTexts = Array.from({ length: 300 }, (_, i) => dockerfile(i))
    .flatMap((t) => t.replace(/\\\n/g, ' ').split('\n'))
    .filter((l) => l.startsWith('RUN '))
    .map((l) => l.slice(4))
    .slice(0, 300);
  const { parse: shellQuote } = await import('shell-quote');
  let t0 = performance.now();
  for (const t of runTexts) shellQuote(t, (k) => `$${k}`);
  const quoteMs = (performance.now() - t0) / runTexts.length;
  let shSyntaxMs;
  try {
    const { parse: shSyntax } = await import('sh-syntax');
    await shSyntax('true');
    t0 = performance.now();
    for (const t of runTexts) {
      // a heredoc opener alone (RUN <<EOF) is a syntax error to it: timed all the same
      await shSyntax(t).catch(() => undefined);
    }
    shSyntaxMs = (performance.now() - t0) / runTexts.length;
  } catch {
    // sh-syntax is not a dependency bulkhead needs; the comparison is skipped without it
  }

  const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;
  console.log(`bench/lint: ${COUNT} Dockerfiles, ${(bytes / 1024).toFixed(0)} KiB, ${base.stdout.trim()} instructions (best of ${runs} runs)`);
  console.log(`  baseline  read + dockerfile-ast parse only : ${fmt(base.ms)}  (${Math.round(COUNT / (base.ms / 1000))} files/s)`);
  console.log(`  bulkhead audit dockerfile --format json    : ${fmt(full.ms)}  (${Math.round(COUNT / (full.ms / 1000))} files/s), ${findings} findings, ${errors} errors`);
  console.log(`  ratio audit / baseline                      : ${(full.ms / base.ms).toFixed(2)}x`);
  console.log(`  target < 1.5 s wall                         : ${full.ms < 1500 ? 'met' : 'NOT met'}`);
  console.log(`  RUN lexing, ${runTexts.length} RUN texts            : shell-quote ${(quoteMs * 1000).toFixed(0)} µs/RUN` + (shSyntaxMs === undefined ? '' : `, sh-syntax ${(shSyntaxMs * 1000).toFixed(0)} µs/RUN (${(shSyntaxMs / quoteMs).toFixed(0)}x)`));
} finally {
  // BENCH_KEEP=1 keeps the corpus for profiling (node --cpu-prof bin/bulkhead.js audit dockerfile DIR)
  if (process.env.BENCH_KEEP) console.log(`  corpus kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
