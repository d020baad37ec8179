import type { TargetResult } from '../model.js';
import { runRules } from '../container/run-rules.js';
import { declaredLocation, evaluatedOn } from '../container/declared-location.js';
import { containerRules } from '../rules/container/index.js';
import { InputError } from '../yaml/located.js';
import { loadComposeProject, type LoadComposeOptions } from './load.js';
import { fromComposeService } from './facts.js';
import { describeError } from '../../errors.js';

/**
 * `bulkhead audit compose`: the container rules over every active service of one compose
 * project (the files merged as `docker compose -f ... -f ...` merges them). One target per
 * service, named `<first file>#<service>`; a project that cannot be read is one target with the error.
 */
export function auditCompose(inputs: readonly string[], opts: LoadComposeOptions): TargetResult[] {
  let project;
  try {
    project = loadComposeProject(inputs, opts);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const where = e.where;
    return [
      {
        kind: 'compose',
        name: where.file,
        findings: [],
        errors: [{ message: e.detail, location: { path: where.file, ...(where.line ? { line: where.line } : {}), ...(where.column ? { column: where.column } : {}) } }],
      },
    ];
  }
  const file = project.files[0]!;
  return project.services.map((s) => {
    const name = `${file}#${s.name}`;
    try {
      const facts = fromComposeService(s.name, s.node, { project: project.name, dir: opts.cwd, keyLoc: s.keyLoc, envFromFiles: s.envFromFiles });
      const findings = runRules(containerRules, facts, { kind: 'compose', name }, (id, d) => declaredLocation(facts.sources, id, d));
      const evaluated = evaluatedOn(facts, containerRules.map((r) => r.meta.id));
      return { kind: 'compose', name, findings, errors: [], evaluated, properties: { project: project.name, service: s.name, image: facts.image } };
    } catch (e) {
      const loc = e instanceof InputError ? e.where : undefined;
      return {
        kind: 'compose',
        name,
        findings: [],
        errors: [{ message: e instanceof InputError ? e.detail : describeError(e), ...(loc ? { location: { path: loc.file, ...(loc.line ? { line: loc.line } : {}) } } : {}) }],
      };
    }
  });
}
