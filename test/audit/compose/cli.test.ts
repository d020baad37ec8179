import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import type { Report } from '../../../src/audit/model.js';

const COMPOSE = resolve('test/fixtures/compose');
const K8S = resolve('test/fixtures/k8s');

describe('bulkhead audit compose / k8s: the formats, exit codes, config and baselines of every audit', () => {
  it('findings at or above --fail-on exit 1; JSON names the file and line', async () => {
    const r = await runCli(['audit', 'compose', '-f', 'json', '--file', join(COMPOSE, 'webapp/compose.yaml'), '--file', join(COMPOSE, 'webapp/compose.prod.yaml')]);
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.command).toMatch(/^audit compose /);
    const ct004 = rep.targets.flatMap((t) => t.findings).find((f) => f.ruleId === 'CT004')!;
    expect(ct004.location).toMatchObject({ path: expect.stringMatching(/webapp\/compose\.yaml$/), line: 27 });
  });

  it('a hardened service exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-cli-'));
    writeFileSync(
      join(dir, 'compose.yaml'),
      'services:\n  app:\n    image: app\n    user: "1000:1000"\n    cap_drop: [ALL]\n    read_only: true\n    security_opt: [no-new-privileges:true]\n    mem_limit: 64m\n    cpus: 0.5\n    pids_limit: 64\n',
    );
    const r = await runCli(['audit', 'compose', join(dir, 'compose.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('security_opt systempaths=unconfined (CT033) and sysctls as a map or a list (CT034) point at their lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-sys-'));
    const hardened = '    image: app\n    user: "1000:1000"\n    cap_drop: [ALL]\n    read_only: true\n    mem_limit: 64m\n    cpus: 0.5\n    pids_limit: 64\n';
    writeFileSync(
      join(dir, 'compose.yaml'),
      `services:\n  a:\n${hardened}    security_opt:\n      - no-new-privileges:true\n      - systempaths=unconfined\n    sysctls:\n      net.ipv4.ip_forward: 1\n      net.ipv4.ip_unprivileged_port_start: 80\n  b:\n${hardened}    security_opt: [no-new-privileges:true]\n    sysctls:\n      - kernel.msgmax=65536\n`,
    );
    const r = await runCli(['audit', 'compose', '-f', 'json', '--fail-on', 'never', join(dir, 'compose.yaml')]);
    const found = (JSON.parse(r.stdout) as Report).targets.flatMap((t) => t.findings.filter((f) => ['CT033', 'CT034'].includes(f.ruleId)).map((f) => `${t.name.split(/[#/]/).pop()} ${f.ruleId} ${f.location?.line}`));
    expect(found.sort()).toEqual(['a CT033 12', 'a CT034 14', 'b CT034 26']);
  });

  it('bad input: exit 2 and one line with file:line on stderr', async () => {
    const r = await runCli(['audit', 'compose', join(COMPOSE, 'bad/missing-variable.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/bad\/missing-variable\.yaml:5: required variable API_TOKEN is not set: API_TOKEN must be set$/)]);
    const k = await runCli(['audit', 'k8s', join(K8S, 'bad/alias-bomb.yaml')]);
    expect(k.code).toBe(2);
    expect(k.stderr).toMatch(/alias-bomb\.yaml: YAML uses too many aliases/);
  });

  it('SARIF: artifact URIs are the compose and manifest files, with lines', async () => {
    const r = await runCli(['audit', 'k8s', '-f', 'sarif', join(K8S, 'app/agent.yaml')]);
    const sarif = JSON.parse(r.stdout) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }> }> }> };
    const hp = sarif.runs[0]!.results.find((x) => x.ruleId === 'KS001')!;
    expect(hp.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/test\/fixtures\/k8s\/app\/agent\.yaml$/);
    expect(hp.locations[0]!.physicalLocation.region?.startLine).toBe(43);
  });

  it('.bulkhead.yaml ignores and rule settings apply; a baseline makes known findings pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-cfg-'));
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  app:\n    image: app\n    privileged: true\n');
    writeFileSync(join(dir, '.bulkhead.yaml'), 'version: 1\nignores:\n  - rule: CT001\n    reason: the lab VM needs it\nrules:\n  CT013: "off"\n');
    const r = await runCli(['audit', 'compose', '-f', 'json', '--config', join(dir, '.bulkhead.yaml'), join(dir, 'compose.yaml')]);
    const ids = (JSON.parse(r.stdout) as Report).targets.flatMap((t) => t.findings.map((f) => f.ruleId));
    expect(ids).not.toContain('CT001');
    expect(ids).not.toContain('CT013');
    const base = join(dir, 'base.json');
    await runCli(['audit', 'compose', '-f', 'json', '-o', base, join(dir, 'compose.yaml')]);
    const again = await runCli(['audit', 'compose', '--baseline', base, join(dir, 'compose.yaml')]);
    expect(again.code).toBe(0);
  });

  it('audit k8s --pss restricted fails on the node agent and reads stdin', async () => {
    const r = await runCli(['audit', 'k8s', '--pss', 'restricted', '-f', 'json', '-'], { stdin: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: a, image: x}]\n' });
    expect(r.code).toBe(1);
    const msgs = (JSON.parse(r.stdout) as Report).targets[0]!.findings.filter((f) => f.ruleId === 'KS009').map((f) => f.message);
    expect(msgs).toContain('Pod p violates PSS baseline "Host Namespaces": spec.hostPID is true (allowed: Undefined/nil, false)');
  });

  it.each(['table', 'markdown', 'html', 'github', 'junit'])('-f %s renders compose and k8s reports', async (format) => {
    const c = await runCli(['audit', 'compose', '-f', format, join(COMPOSE, 'webapp/compose.yaml')]);
    expect(c.code).toBe(1);
    expect(c.stdout).toContain('CT004');
    const k = await runCli(['audit', 'k8s', '-f', format, join(K8S, 'app/agent.yaml')]);
    expect(k.code).toBe(1);
    expect(k.stdout).toContain('KS001');
  });
});
