/**
 * The report of real containers. The table as an operator sees it: the built CLI (dist/ of this worktree, `npm run build`)
 * audits real containers inside an 80-column tmux pane, so stdout is a terminal of that width
 * and nothing tells the CLI its width but the TTY. Containers are only created (never
 * started): the container audit reads their configuration, which is what these rules judge.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, TEST_IMAGE } from '../../helpers/engine.js';
import { tableRows } from './table-rows.js';
import { runCli } from '../../helpers/cli.js';
import type { Report } from '../../../src/audit/model.js';
import { passedChecks } from '../../../src/audit/report/worst-first.js';

const bin = fileURLToPath(new URL('../../../bin/bulkhead.js', import.meta.url));
const reportsDir = fileURLToPath(new URL('../../../reports/table-tmux/', import.meta.url));
const prefix = `report-tty-${process.pid}`;
const socket = `${prefix}-tmux`;
const names = {
  priv: `${prefix}-priv`,
  sock: `${prefix}-sock`,
  hardened: `${prefix}-hardened`,
  base: [1, 2, 3].map((i) => `${prefix}-base-${i}`),
};

function tmux(args: string[]): string {
  const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

beforeAll(() => {
  docker(['create', '--name', names.hardened, '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--user', '10001:10001', '--memory', '64m', '--pids-limit', '64', '--cpus', '0.5', '--health-cmd', 'true', TEST_IMAGE, 'sleep', '600']);
  for (const n of names.base) docker(['create', '--name', n, TEST_IMAGE, 'sleep', '600']);
  docker(['create', '--name', names.priv, '--privileged', TEST_IMAGE, 'sleep', '600']);
  docker(['create', '--name', names.sock, '-v', '/var/run/docker.sock:/var/run/docker.sock', TEST_IMAGE, 'sleep', '600']);
}, 60_000);

afterAll(() => {
  spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  // the server leaves its socket file behind
  rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
  docker(['rm', '-f', names.hardened, names.priv, names.sock, ...names.base], { allowFail: true });
});

describe('table in an 80-column tmux pane', () => {
  it('no line exceeds 80 columns and the first row is the worst finding', async () => {
    // the hardened container first, as an engine might list it: the table must not keep that order
    const refs = [names.hardened, ...names.base, names.priv, names.sock];
    const command = `env -u COLUMNS node ${bin} audit container ${refs.join(' ')} --fail-on never; echo __exit=$?; sleep 120`;
    tmux(['new-session', '-d', '-s', prefix, '-x', '80', '-y', '50', command]);
    tmux(['set-option', '-t', prefix, 'history-limit', '10000']);
    let screen = '';
    for (let i = 0; i < 100 && !screen.includes('__exit='); i++) {
      await new Promise((r) => setTimeout(r, 200));
      // -J joins lines tmux wrapped, so a line wider than the pane shows as one long line
      screen = tmux(['capture-pane', '-p', '-J', '-S', '-', '-E', '-', '-t', prefix]);
    }
    expect(screen).toContain('__exit=0');
    expect(tmux(['display-message', '-p', '-t', prefix, '#{pane_width}']).trim()).toBe('80');
    const out = screen.slice(0, screen.indexOf('__exit='));
    // kept for a person to look at (reports/ is git-ignored)
    mkdirSync(reportsDir, { recursive: true });
    writeFileSync(join(reportsDir, 'table-80-columns.txt'), out);
    const lines = out.split('\n');
    const over = lines.filter((l) => [...l.trimEnd()].length > 80);
    expect(over).toEqual([]);
    // the table uses the pane's width, not a fixed one: its borders span all 80 columns
    expect(lines.filter((l) => l.startsWith('┌')).every((l) => [...l.trimEnd()].length === 80)).toBe(true);
    const first = lines.find((l) => l.startsWith('container '));
    expect([`container ${names.priv}`, `container ${names.sock}`]).toContain(first?.trim());
    const rows = tableRows(out);
    expect(rows[0]![0]).toBe('critical');
    expect(['CT001', 'CT004']).toContain(rows[0]![1]);
    expect(lines.filter((l) => l.startsWith('container ')).at(-1)?.trim()).toBe(`container ${names.hardened}`);
  }, 60_000);
});

describe('the container audit records what it evaluated', () => {
  it('every target lists the rules that ran; the report carries their metadata; the html lists the passes', async () => {
    const refs = [names.hardened, names.priv];
    const r = await runCli(['audit', 'container', ...refs, '--format', 'json', '--fail-on', 'never']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const ids = report.evaluatedRules!.map((x) => x.id);
    for (const t of report.targets) {
      expect(t.evaluated!.length).toBeGreaterThan(20);
      expect(t.evaluated!.every((id) => ids.includes(id))).toBe(true);
    }
    const passed = passedChecks(report)!.map((p) => p.rule.id);
    expect(passed).not.toContain('CT001');
    expect(passed).toContain('CT004');
    const html = await runCli(['audit', 'container', ...refs, '--format', 'html', '--fail-on', 'never']);
    expect(html.stdout).toContain('<tr class="pass" data-rule="CT004">');
    expect(html.stdout).not.toContain('<tr class="pass" data-rule="CT001">');
  }, 60_000);
});
