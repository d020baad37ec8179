import { Option, type Command } from 'commander';
import { table, getBorderCharacters, type ColumnUserConfig } from 'table';
import { BulkheadError } from '../../errors.js';
import { ALL_RULES, findRule } from '../../audit/rules/registry.js';
import { renderExplain } from '../../audit/report/rule-docs.js';
import { checkRuleDocs, writeRuleDocs } from '../../audit/report/rule-docs-files.js';
import { ExitCode } from '../exit-codes.js';
import { CIS_DOCKER_BENCHMARK, cisRecommendation, compareCisIds } from '../../audit/cis/docker-1.6.0.js';
import type { RuleMeta, TargetKind } from '../../audit/model.js';
import type { CliContext } from '../main.js';

const TARGETS: TargetKind[] = ['dockerfile', 'image', 'container', 'host', 'kubernetes'];
const CIS_LABEL = `${CIS_DOCKER_BENCHMARK.name} v${CIS_DOCKER_BENCHMARK.version}`;

/** The rule's CIS ids with the benchmark's titles, for `rules list --cis`. */
function cisRecommendations(rule: RuleMeta): Array<{ id: string; title: string; assessment: string }> {
  return [...(rule.cis ?? [])].sort(compareCisIds).map((id) => {
    const rec = cisRecommendation(id);
    return { id, title: rec?.title ?? '(not in the benchmark table)', assessment: rec?.assessment ?? 'unknown' };
  });
}

export function registerRules(program: Command, ctx: CliContext): void {
  const rules = program.command('rules').description('list, explain and document the audit rules (all families)');

  rules
    .command('list')
    .description('list rules: id, target, severity, title (and CIS ids)')
    .addOption(new Option('--target <kind>', 'only rules for this target').choices(TARGETS))
    .option('--cis', `only rules mapped to the ${CIS_LABEL}, with their CIS ids and titles`)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action((opts: { target?: TargetKind; cis?: boolean; format: 'table' | 'json' }) => {
      const selected = ALL_RULES.filter((r) => (!opts.target || r.target === opts.target) && (!opts.cis || (r.cis?.length ?? 0) > 0));
      if (opts.format === 'json') {
        const out = opts.cis ? selected.map((r) => ({ ...r, cisBenchmark: CIS_LABEL, cisRecommendations: cisRecommendations(r) })) : selected;
        ctx.io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else if (selected.length === 0) {
        ctx.io.stdout.write('no rules match\n');
      } else {
        const header = ['id', 'target', 'severity', 'title', ...(opts.cis ? [`CIS (v${CIS_DOCKER_BENCHMARK.version})`] : [])];
        const cisCell = (r: RuleMeta): string => cisRecommendations(r).map((c) => `${c.id} ${c.title}`).join('\n');
        const rows = selected.map((r) => [r.id, r.target, r.severity, r.title, ...(opts.cis ? [cisCell(r)] : [])]);
        const columns: Record<number, ColumnUserConfig> = opts.cis ? { 3: { width: 30, wrapWord: true }, 4: { width: 46, wrapWord: true } } : { 3: { width: 60, wrapWord: true } };
        if (opts.cis) ctx.io.stdout.write(`${CIS_LABEL}\n`);
        ctx.io.stdout.write(table([header, ...rows], { border: getBorderCharacters('norc'), drawHorizontalLine: (i, size) => i === 0 || i === 1 || i === size, columns }));
        ctx.io.stdout.write(`${selected.length} rule(s)${opts.cis ? ` mapped to ${CIS_LABEL}` : ''}\n`);
      }
      ctx.exitCode = ExitCode.ok;
    });

  rules
    .command('explain')
    .description('explain one rule: why it matters, how to fix it, references')
    .argument('<id|slug>', 'rule id (e.g. DF001) or slug')
    .action((id: string) => {
      const rule = findRule(id);
      if (!rule) throw new BulkheadError('not-found', `no rule has the id or slug "${id}" (see bulkhead rules list)`);
      ctx.io.stdout.write(renderExplain(rule));
      ctx.exitCode = ExitCode.ok;
    });

  rules
    .command('docs')
    .description('generate docs/rules/<ID>.md for every rule and the README rule table, from rule metadata')
    .option('--write <dir>', 'directory for the rule pages', 'docs/rules')
    .option('--readme <file>', 'README whose table between the rules markers is generated', 'README.md')
    .option('--check', 'change nothing; exit 1 when a page or the README table is missing or stale')
    .addHelpText('after', '\nExit codes:\n  0  docs written (or, with --check, up to date)\n  1  --check: some page or the README table drifted\n  2  bad usage, or the README has no rules markers')
    .action((opts: { write: string; readme: string; check?: boolean }) => {
      if (opts.check) {
        const drift = checkRuleDocs(ALL_RULES, opts.write, opts.readme);
        const problems = [
          ...drift.stale.map((p) => `${p}: missing or stale`),
          ...drift.orphaned.map((p) => `${p}: no rule has this id`),
          ...(drift.readme === 'ok' ? [] : [`${opts.readme}: rule table ${drift.readme}`]),
        ];
        for (const p of problems) ctx.io.stderr.write(`bulkhead: ${p}\n`);
        if (problems.length) ctx.io.stderr.write('bulkhead: run `bulkhead rules docs` (npm run docs:rules) to regenerate\n');
        else ctx.io.stdout.write(`rule docs up to date (${ALL_RULES.length} rules)\n`);
        ctx.exitCode = problems.length ? ExitCode.findings : ExitCode.ok;
        return;
      }
      const result = writeRuleDocs(ALL_RULES, opts.write, opts.readme);
      if (result.readme === 'no-markers' || result.readme === 'missing') {
        throw new BulkheadError('usage', `${opts.readme}: ${result.readme === 'missing' ? 'cannot read' : 'has no <!-- rules:start --> / <!-- rules:end --> markers'}; pages were written`);
      }
      ctx.io.stdout.write(`${ALL_RULES.length} rule(s): ${result.written.length} page(s) written, ${result.removed.length} removed, README table up to date\n`);
      ctx.exitCode = ExitCode.ok;
    });
}
