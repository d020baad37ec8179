/**
 * The morning host report of a 16-container host in Chromium (scripts/browser installs it), at a
 * desktop width and at a phone's: what an operator sees first is the worst, a baseline rule on
 * fifteen containers is one row, and the page fits the phone. Order and structure, not pixels;
 * screenshots are kept in reports/html-fleet/ for a person to look at.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtmlReport } from '../../../src/audit/report/formatters/html.js';
import { applyBaseline } from '../../../src/audit/report/baseline.js';
import { fleetReport, FLEET_CONTAINERS } from '../report/fleet.js';

const dir = fileURLToPath(new URL('../../../reports/html-fleet/', import.meta.url));
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
let browser: Browser;
const RANK = ['info', 'low', 'medium', 'high', 'critical'];

/** Today against yesterday: report-base-2 got a memory limit, report-hostpid is new, a target kept only for what was fixed on it. */
function diffReport() {
  const before = fleetReport();
  const now = fleetReport();
  before.targets = before.targets.filter((t) => t.name !== 'report-hostpid');
  const base2 = now.targets.find((t) => t.name === 'report-base-2')!;
  base2.findings = base2.findings.filter((f) => f.ruleId !== 'CT013');
  applyBaseline(now, before);
  const gone = before.targets.find((t) => t.name === 'report-priv')!;
  now.targets.push({ kind: 'container', name: 'report-removed', findings: [], errors: [], fixed: gone.findings.slice(0, 2).map((f) => ({ ...f, message: f.message.replace('report-priv', 'report-removed') })) });
  return now;
}

beforeAll(async () => {
  writeFileSync(join(dir, 'fleet.html'), renderHtmlReport(fleetReport()));
  writeFileSync(join(dir, 'diff.html'), renderHtmlReport(diffReport()));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function open(file: string, width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: width > 500 ? 1000 : 800 } });
  await page.goto(`file://${join(dir, file)}`);
  return page;
}

describe.each([1400, 375])('fleet report at %i px', (width) => {
  it('opens with the worst: critical rows first, on the first screen, every table ordered by severity', async () => {
    const page = await open('fleet.html', width);
    const first = page.locator('tr[data-severity]').first();
    expect(await first.getAttribute('data-severity')).toBe('critical');
    expect(['CT001', 'CT004']).toContain(await first.getAttribute('data-rule'));
    const top = await first.evaluate((e) => e.getBoundingClientRect().top);
    expect(top).toBeLessThan(width > 500 ? 1000 : 800);
    for (const id of ['worst-findings', 'other-findings']) {
      const sev = await page.locator(`#${id} tr[data-severity]`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-severity')!));
      const ranks = sev.map((s) => RANK.indexOf(s));
      expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    }
    expect(await page.locator('#worst-findings tr[data-severity]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-severity')))).not.toContain('medium');
    await page.screenshot({ path: join(dir, `fleet-${width}.png`) });
    await page.screenshot({ path: join(dir, `fleet-${width}-full.png`), fullPage: true });
    await page.close();
  });

  it('orders targets by their worst finding: the privileged and socket-mounting containers first, the hardened one last', async () => {
    const page = await open('fleet.html', width);
    const sections = await page.locator('section[data-target] h2').allTextContents();
    expect(sections).toHaveLength(FLEET_CONTAINERS + 1);
    expect(sections.slice(0, 2).map((s) => s.split(' (')[0]).sort()).toEqual(['container report-priv', 'container report-sock']);
    expect(sections.at(-1)).toContain('container report-hardened');
    const summary = await page.locator('#targets tbody tr td:first-child').allTextContents();
    expect(summary.slice(0, 2).sort()).toEqual(['container report-priv', 'container report-sock']);
    expect(summary.at(-1)).toBe('container report-hardened');
    await page.close();
  });

  it('groups a rule that fires on many containers into one row listing them, and one line per target section', async () => {
    const page = await open('fleet.html', width);
    const memory = page.locator('#other-findings tr.group[data-rule="CT013"]');
    expect(await memory.count()).toBe(1);
    expect(await memory.getAttribute('data-targets')).toBe(String(FLEET_CONTAINERS - 1));
    expect(await memory.locator('ul.targets li').count()).toBe(FLEET_CONTAINERS - 1);
    expect(await memory.locator('.count').textContent()).toBe('15 containers');
    expect(await memory.locator('td.cis').textContent()).toMatch(/^\d+\.\d+/);
    // 139 container findings: only the four that are each container's own stay rows in the sections
    const containerRows = await page.locator('section[data-target] tr.finding[data-rule^="CT"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule')).sort());
    expect(containerRows).toEqual(['CT001', 'CT004', 'CT006', 'CT007']);
    const base = page.locator('section[data-target]', { hasText: 'container report-base-7' });
    expect(await base.locator('tr.finding').count()).toBe(0);
    expect(await base.locator('p.common a.common-rule').count()).toBe(9);
    expect(await base.locator('.shown').textContent()).toBe('9');
    // every row shows its CIS id when the rule has one
    const cis = await page.locator('#worst-findings tr.group td.cis').allTextContents();
    expect(cis.every((c) => /^\d+(\.\d+)+/.test(c))).toBe(true);
    await page.close();
  });

  it('lists the checks that passed, with what they ran on', async () => {
    const page = await open('fleet.html', width);
    expect(await page.locator('#passed-checks tr.pass[data-rule="CT002"] td').last().textContent()).toBe(`${FLEET_CONTAINERS} containers`);
    expect(await page.locator('#passed-checks tr.pass[data-rule="CT013"]').count()).toBe(0);
    expect(await page.locator('#passed-checks tr.pass[data-rule="HS001"]').count()).toBe(0);
    expect(Number(await page.textContent('#count-passed'))).toBe(await page.locator('#passed-checks tr.pass').count());
    await page.close();
  });

  it('fits the viewport: no horizontal scrolling', async () => {
    const page = await open('fleet.html', width);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
    const diff = await open('diff.html', width);
    expect(await diff.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
    await page.close();
    await diff.close();
  });

  it('puts the diff at the top: counts, what is new, what was fixed (also on a target no longer there)', async () => {
    const page = await open('diff.html', width);
    const before = await page.evaluate("Boolean(document.getElementById('diff').compareDocumentPosition(document.getElementById('worst')) & Node.DOCUMENT_POSITION_FOLLOWING)");
    expect(before).toBe(true);
    expect(await page.textContent('#count-new')).toBe('10');
    expect(await page.textContent('#count-fixed')).toBe('3');
    expect(await page.locator('#new-findings tr.group').first().getAttribute('data-rule')).toBe('CT006');
    const fixed = await page.locator('#fixed-findings tr.fixed').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-rule')}: ${[...r.querySelectorAll('ul.targets li')].map((li) => li.textContent).join(', ')}`));
    // worst first, each rule once with the targets it was fixed on
    expect(fixed).toEqual(['CT001: report-removed', 'CT013: report-removed, report-base-2']);
    expect(await page.locator('section[data-target]', { hasText: 'container report-removed' }).locator('p.none').textContent()).toBe('no findings now; 2 fixed since the baseline (see above)');
    await page.screenshot({ path: join(dir, `diff-${width}.png`) });
    await page.close();
  });
});

describe('fleet report filters', () => {
  it('the severity cards hide grouped rows and the collapsed rule links too', async () => {
    const page = await open('fleet.html', 1400);
    await page.click('button[data-filter-severity="medium"]');
    expect(await page.locator('#other-findings tr.group[data-severity="medium"]:visible').count()).toBe(0);
    const base = page.locator('section[data-target]', { hasText: 'container report-base-7' });
    expect(await base.locator('.shown').textContent()).toBe('4');
    await page.click('button[data-filter-severity="critical"]');
    expect(await page.locator('#worst-findings tr.group:visible').first().getAttribute('data-severity')).toBe('high');
    await page.close();
  });
});
