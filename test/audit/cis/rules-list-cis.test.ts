import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

describe('bulkhead rules list --cis', () => {
  it('names the benchmark version and shows the CIS title next to each id', async () => {
    const r = await runCli(['rules', 'list', '--cis', '--target', 'container']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('CIS Docker Benchmark v1.6.0');
    expect(r.stdout).toMatch(/CT001 .*│ 5\.5 Ensure that privileged containers are not/);
    expect(r.stdout).toMatch(/mapped to CIS Docker Benchmark v1\.6\.0/);
  });

  it('json carries the benchmark and each cited recommendation', async () => {
    const r = await runCli(['rules', 'list', '--cis', '--format', 'json']);
    const rules = JSON.parse(r.stdout) as Array<{ id: string; cisBenchmark: string; cisRecommendations: Array<{ id: string; title: string; assessment: string }> }>;
    const ct001 = rules.find((x) => x.id === 'CT001');
    expect(ct001?.cisBenchmark).toBe('CIS Docker Benchmark v1.6.0');
    expect(ct001?.cisRecommendations).toEqual([{ id: '5.5', title: 'Ensure that privileged containers are not used', assessment: 'automated' }]);
    expect(rules.flatMap((x) => x.cisRecommendations).filter((c) => c.assessment === 'unknown')).toEqual([]);
  });
});
