import semver from 'semver';
import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';
import { EOL_TABLE, type EolCycle } from '../../dockerfile/eol-data.js';

/** Each cycle as a semver range, built once: `20` -> 20.x, `3.9` -> 3.9.x, `18.04` -> 18.4.x. */
const CYCLE_RANGES = new Map<EolCycle, { range: semver.Range; hasMinor: boolean }>(
  Object.values(EOL_TABLE)
    .flat()
    .map((c) => {
      const [major, minor] = c.cycle.split('.').map(Number);
      return [c, { range: new semver.Range(minor === undefined ? `${major}.x` : `${major}.${minor}.x`), hasMinor: minor !== undefined }];
    }),
);

/** The table entry a tag belongs to: `20.11.1-alpine` -> node 20, `3.9-slim` -> python 3.9, `bookworm` -> debian 12. */
export function eolCycleFor(image: string, tag: string): EolCycle | undefined {
  const cycles = EOL_TABLE[image];
  if (!cycles) return undefined;
  const lower = tag.toLowerCase();
  const byName = cycles.find((c) => c.codenames?.some((n) => lower === n || lower.startsWith(`${n}-`) || lower.includes(`-${n}`)));
  if (byName) return byName;
  // the leading version of tags like 3.9-slim, 20.11.1-bookworm or 18.04 (semver.coerce drops "04")
  const m = /^v?(\d+)(?:\.(\d+))?/.exec(lower);
  if (!m) return undefined;
  const version = new semver.SemVer(`${Number(m[1])}.${Number(m[2] ?? 0)}.0`);
  // a bare major tag (node:20) belongs to that major's cycle; python:3 names no single cycle
  return cycles.find((c) => {
    const { range, hasMinor } = CYCLE_RANGES.get(c)!;
    return !(hasMinor && m[2] === undefined) && range.test(version);
  });
}

export const eolBaseImage: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF013',
    slug: 'eol-base-image',
    target: 'dockerfile',
    severity: 'medium',
    title: 'Base image is past its end of life',
    rationale:
      'Once a distribution or runtime version reaches end of life it gets no more security fixes: every vulnerability found afterwards stays in the image for good. The table of versions and dates ships with bulkhead (node, python, debian, ubuntu, alpine, centos, golang).',
    fix: 'Move to a supported version of the base image (for example a current LTS), rebuild, and retest.',
    references: ['https://endoflife.date'],
    example: { bad: 'FROM python:3.8-slim', good: 'FROM python:3.13-slim' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const today = facts.settings.now.toISOString().slice(0, 10);
    for (const stage of facts.stages) {
      const from = stage.from;
      if (from.stageRef || from.scratch || !from.tag) continue;
      // only Docker Hub's official images are the ones the table describes
      if (from.registry && from.registry !== 'docker.io') continue;
      if (from.repository.includes('/') && !from.repository.startsWith('library/')) continue;
      const cycle = eolCycleFor(from.name, from.tag);
      if (!cycle || cycle.eol >= today) continue;
      out.push({
        message: `${from.name} ${cycle.cycle} (${from.resolved}) reached end of life on ${cycle.eol}`,
        location: at(stage.instructions[0]!),
        // a build-only stage does not ship, but still builds the shipped artefacts
        severity: stage.isFinal ? 'medium' : 'low',
        key: `${stage.label}|${from.name}|${cycle.cycle}`,
      });
    }
    return out;
  },
};
