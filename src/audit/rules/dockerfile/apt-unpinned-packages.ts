import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, commandLine, operands, runCommands, type DockerfileFacts } from '../../dockerfile/facts.js';

export const aptUnpinnedPackages: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF036',
    slug: 'apt-unpinned-packages',
    target: 'dockerfile',
    severity: 'info',
    title: 'apt-get install without version pins',
    rationale:
      'Unpinned packages install whatever version the mirror has at build time, so rebuilding the same Dockerfile can silently change what ships. Pinning trades that for the work of bumping versions, which is why this is informational: a digest-pinned base image plus regular rebuilds is often the better trade.',
    fix: 'Pin versions (`apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6`), or accept rebuild drift knowingly and silence the rule in .bulkhead.yaml.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3008'],
    example: { bad: 'RUN apt-get install -y --no-install-recommends curl', good: 'RUN apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { instr, cmd } of runCommands(facts)) {
      if ((cmd.name !== 'apt-get' && cmd.name !== 'apt') || !cmd.args.includes('install')) continue;
      const packages = operands(cmd.args).filter((p) => p !== 'install' && !p.endsWith('.deb') && !p.includes('$'));
      const unpinned = packages.filter((p) => !p.includes('='));
      if (unpinned.length) out.push({ message: `${cmd.name} install without version pins: ${unpinned.slice(0, 5).join(' ')}${unpinned.length > 5 ? ' ...' : ''}`, location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${unpinned.join(' ')}` });
    }
    return out;
  },
};
