import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addCommonAuditOptions, emitReport, type CommonAuditOptions } from '../audit-common.js';
import { connectEngine } from '../../engine/dockerode-client.js';
import type { EngineClient } from '../../engine/client.js';
import { BulkheadError, describeError } from '../../errors.js';
import { auditImageTarget } from '../../audit/image/audit.js';
import { DEFAULT_MAX_FILE_SIZE } from '../../audit/image/fs-scan.js';
import { buildReport } from '../../audit/report/build.js';
import { ALL_RULES } from '../../audit/rules/registry.js';
import { loadPolicy } from '../../policy/load.js';
import { parseSize } from '../../policy/units.js';

interface AuditImageOptions extends CommonAuditOptions {
  maxFileSize?: string;
  host?: string;
}

/** "12.3 MB, 3 layers" on one self-overwriting stderr line; only on a terminal. */
function progressLine(ctx: CliContext): { update: (p: { bytes: number; layers: number }, name: string) => void; clear: () => void } {
  if (ctx.io.stderr.isTTY !== true) return { update: () => undefined, clear: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(p, name) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      ctx.io.stderr.write(`\r\u001b[K${name}: ${(p.bytes / 1e6).toFixed(1)} MB read, ${p.layers} layer${p.layers === 1 ? '' : 's'} scanned`);
    },
    clear() {
      if (shown) ctx.io.stderr.write('\r\u001b[K');
      shown = false;
    },
  };
}

export function registerAuditImage(audit: Command, ctx: CliContext): void {
  const cmd = audit
    .command('image')
    .description('audit images: setuid files, world-writable paths, secrets in every layer (also deleted ones), config and history secrets, root user, SSH, health check')
    .argument('<images...>', 'image references in the engine, `docker save` tarballs (.tar or .tar.gz), or OCI image layout directories')
    .option('--max-file-size <size>', `bytes of each file scanned for secrets (e.g. 512k, 10m; default ${DEFAULT_MAX_FILE_SIZE / 1024 / 1024}m)`)
    .option('-H, --host <url>', 'engine URL for image references (unix://, tcp://, ssh://); default: DOCKER_HOST or the local socket');
  addCommonAuditOptions(cmd).action(async (images: string[], opts: AuditImageOptions) => {
    let maxFileSize = DEFAULT_MAX_FILE_SIZE;
    if (opts.maxFileSize !== undefined) {
      try {
        // a plain number is bytes; otherwise the policy's size syntax (512k, 10m)
        maxFileSize = /^\d+$/.test(opts.maxFileSize) ? Number(opts.maxFileSize) : parseSize(opts.maxFileSize);
      } catch (err) {
        throw new BulkheadError('usage', `--max-file-size ${opts.maxFileSize}: ${describeError(err)}`);
      }
    }
    // the policy's gate allowlists accept setuid files and secret files by path and sha256
    const gate = opts.policy ? (await loadPolicy(opts.policy)).plan.gate : undefined;
    const allowlists = gate ? { setuidAllowlist: gate.setuidAllowlist, secretAllowlist: gate.secretAllowlist } : undefined;
    let engine: Promise<EngineClient> | undefined;
    const getEngine = () => {
      engine ??= connectEngine(opts.host ?? ctx.io.env.DOCKER_HOST).catch((err: unknown) => {
        if (err instanceof BulkheadError) throw err;
        throw new BulkheadError('usage', `--host ${opts.host ?? ctx.io.env.DOCKER_HOST ?? ''}: ${describeError(err)}`);
      });
      return engine;
    };
    const progress = progressLine(ctx);
    const targets = [];
    try {
      for (const image of images) {
        targets.push(await auditImageTarget(image, { engine: getEngine, maxFileSize, ...(allowlists ? { allowlists } : {}), onProgress: (p) => progress.update(p, image) }));
        progress.clear();
      }
    } finally {
      progress.clear();
    }
    const report = buildReport(`audit image ${images.join(' ')}`, targets, ALL_RULES);
    ctx.exitCode = await emitReport(report, opts, ctx);
  });
}
