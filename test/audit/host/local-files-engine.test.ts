/**
 * Host file checks against this machine's real engine: what `audit host` says about the data
 * root's filesystem and the engine's files must agree with what stat says here.
 */
import { statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { connectEngine } from '../../../src/engine/dockerode-client.js';
import type { Report, TargetResult } from '../../../src/audit/model.js';

let host: TargetResult;
let dataRoot: string;

beforeAll(async () => {
  const engine = await connectEngine();
  dataRoot = String((await engine.info()).DockerRootDir);
  const { stdout } = await runCli(['audit', 'host', '--fs', 'none', '--format', 'json', '--fail-on', 'never', '--config', '/dev/null']);
  host = (JSON.parse(stdout) as Report).targets.find((t) => t.kind === 'host')!;
});

describe('audit host on this machine', () => {
  it('HS023 fires exactly when the data root is on the same device as /', () => {
    const same = statSync(dataRoot).dev === statSync('/').dev;
    const hs023 = host.findings.filter((f) => f.ruleId === 'HS023');
    expect(hs023).toHaveLength(same ? 1 : 0);
    // on this host /var/lib/docker is a bind mount of a directory on / : the message says so
    if (same) expect(hs023[0]!.message).toContain(`engine data root ${dataRoot} `);
  });
});
