/**
 * The html report in a real browser: Debian's chromium (scripts/browser installs it), driven by
 * playwright-core. Checks what is rendered, that the severity filter works, and that a finding
 * message carrying markup is shown as text and never runs. Saves screenshots next to the files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderHtmlReport } from '../../../src/audit/report/formatters/html.js';
import { keepRunInReportDir } from '../../../src/audit/report/report-dir.js';
import { buildReport } from '../../../src/audit/report/build.js';
import { ALL_RULES } from '../../../src/audit/rules/registry.js';
import { applyBaseline } from '../../../src/audit/report/baseline.js';
import type { Finding, Report, Severity, TargetResult } from '../../../src/audit/model.js';

const EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
// reports/ is git-ignored: the files and screenshots stay there for a person to look at
const reportsDir = fileURLToPath(new URL('../../../reports/html-test/', import.meta.url));
rmSync(reportsDir, { recursive: true, force: true });
mkdirSync(reportsDir, { recursive: true });
const profileDir = mkdtempSync(join(tmpdir(), 'bulkhead-chromium-'));
let context: BrowserContext;

function finding(ruleId: string, severity: Severity, message: string, key: string): Finding {
  return { ruleId, severity, message, fingerprint: `${ruleId}-${key}` };
}

function sampleReport(extra: Finding[] = []): Report {
  const targets: TargetResult[] = [
    {
      kind: 'host',
      name: 'unix:///var/run/docker.sock',
      findings: [finding('HS001', 'high', 'runc 1.1.5 is affected by CVE-2024-21626', 'cve'), finding('HS015', 'info', 'engine runs on cgroup v1', 'cg')],
      errors: [],
      properties: { engine: '20.10.24', runc: '1.1.5' },
    },
    {
      kind: 'container',
      name: 'web',
      findings: [
        finding('CT001', 'critical', 'container web runs with --privileged: full host access', 'priv'),
        finding('CT004', 'critical', 'container web mounts the engine socket /var/run/docker.sock', 'sock'),
        finding('CT013', 'medium', 'container web has no memory limit', 'mem'),
        finding('CT020', 'low', 'container web has a writable root filesystem', 'ro'),
        finding('CT026', 'high', EVIL, 'evil'),
        ...extra,
      ],
      errors: [{ message: `cannot read ${EVIL}` }],
    },
    { kind: 'container', name: 'hardened', findings: [], errors: [] },
  ];
  return buildReport('audit host', targets, ALL_RULES, new Date('2026-11-23T06:00:00Z'));
}

async function open(file: string): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (d) => void d.dismiss());
  await page.goto(`file://${file}`);
  return page;
}

beforeAll(async () => {
  // a fresh profile each run; no network, no background services
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 1000 },
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  rmSync(profileDir, { recursive: true, force: true });
  console.log(`html report screenshots: ${reportsDir}`);
});

describe('html report in Chromium', () => {
  it('renders counts, targets, findings with their fix, and the chart', async () => {
    const file = join(reportsDir, 'report.html');
    writeFileSync(file, renderHtmlReport(sampleReport()));
    const page = await open(file);
    expect(await page.textContent('#count-critical')).toBe('2');
    expect(await page.textContent('#count-high')).toBe('2');
    expect(await page.textContent('#count-info')).toBe('1');
    expect(await page.locator('tr.finding').count()).toBe(7);
    const row = page.locator('section[data-target="1"] tr.finding', { hasText: 'mounts the engine socket' });
    expect(await row.locator('.sev').textContent()).toBe('critical');
    expect(await row.locator('details').textContent()).toContain('Remove the socket mount');
    expect(await page.locator('#chart rect').count()).toBeGreaterThan(4);
    expect(await page.textContent('section[data-target="2"]')).toContain('no findings');
    await page.screenshot({ path: join(reportsDir, 'report.png'), fullPage: true });
    await page.close();
  });

  it('shows markup in a finding message as text and never runs it', async () => {
    const file = join(reportsDir, 'report.html');
    const page = await open(file);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const msg = page.locator('tr.finding .msg', { hasText: 'window.__pwned' });
    expect(await msg.textContent()).toBe(EVIL);
    expect(await page.locator('section img, section script').count()).toBe(0);
    expect(await page.textContent('section[data-target="1"] .err')).toContain('<script>');
    await page.close();
  });

  it('clicking a severity card hides that severity, clicking again shows it', async () => {
    const page = await open(join(reportsDir, 'report.html'));
    const visible = (sev: string) => page.locator(`tr.finding[data-severity="${sev}"]:visible`).count();
    expect(await visible('critical')).toBe(2);
    await page.click('button[data-filter-severity="critical"]');
    expect(await visible('critical')).toBe(0);
    expect(await visible('high')).toBe(2);
    expect(await visible('medium')).toBe(1);
    expect(await page.getAttribute('button[data-filter-severity="critical"]', 'aria-pressed')).toBe('false');
    expect(await page.textContent('section[data-target="1"] .shown')).toBe('3');
    await page.screenshot({ path: join(reportsDir, 'report-filtered.png'), fullPage: true });
    await page.click('button[data-filter-severity="critical"]');
    expect(await visible('critical')).toBe(2);
    await page.close();
  });

  it('shows new, unchanged and fixed against a baseline, and filters to new ones', async () => {
    const before = sampleReport([finding('CT015', 'medium', 'container web has no PIDs limit', 'pids')]);
    const now = sampleReport([finding('CT006', 'high', "container web shares the host's PID namespace", 'pid')]);
    applyBaseline(now, before);
    const file = join(reportsDir, 'baseline.html');
    writeFileSync(file, renderHtmlReport(now));
    const page = await open(file);
    expect(await page.textContent('#count-new')).toBe('1');
    expect(await page.textContent('#count-fixed')).toBe('1');
    expect(await page.locator('tr.fixed', { hasText: 'no PIDs limit' }).count()).toBe(1);
    await page.check('#only-new');
    expect(await page.locator('tr.finding:visible').count()).toBe(1);
    expect(await page.textContent('tr.finding:visible')).toContain('PID namespace');
    await page.screenshot({ path: join(reportsDir, 'baseline.png'), fullPage: true });
    await page.close();
  });

  it('the report-dir index draws the trend across runs', async () => {
    const dir = join(reportsDir, 'history');
    for (const [i, extra] of [[], [finding('CT006', 'high', 'pid', 'p')], [finding('CT006', 'high', 'pid', 'p'), finding('CT007', 'high', 'net', 'n')]].entries()) {
      const r = sampleReport(extra);
      r.createdAt = `2026-11-2${i + 1}T06:00:00.000Z`;
      keepRunInReportDir(dir, r);
    }
    const page = await open(join(dir, 'index.html'));
    expect(await page.locator('#runs tr.run').count()).toBe(3);
    expect(await page.locator('#trend rect.run-bar').count()).toBeGreaterThanOrEqual(12);
    await page.screenshot({ path: join(reportsDir, 'index.png'), fullPage: true });
    await page.click('#runs tr.run >> nth=0 >> a >> nth=0');
    expect(await page.textContent('h1')).toContain('bulkhead audit host');
    await page.close();
  });
});
