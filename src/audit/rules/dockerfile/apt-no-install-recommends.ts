import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, commandLine, hasOption, runCommands, type DockerfileFacts } from '../../dockerfile/facts.js';

export const aptNoInstallRecommends: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF020',
    slug: 'apt-no-install-recommends',
    target: 'dockerfile',
    severity: 'low',
    title: 'apt-get install without --no-install-recommends',
    rationale:
      'By default apt also installs "recommended" packages: often dozens of extra programs and libraries nobody asked for, each one more attack surface and more CVEs to patch.',
    fix: 'Add `--no-install-recommends` (or set `APT::Install-Recommends "false";` in /etc/apt/apt.conf.d) and name what you need explicitly.',
    cis: ['4.3'],
    references: ['https://github.com/hadolint/hadolint/wiki/DL3015'],
    example: { bad: 'RUN apt-get update && apt-get install -y curl', good: 'RUN apt-get update && apt-get install -y --no-install-recommends curl' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const aptConfigured = facts.instructions.some((i) => /Install-Recommends\s*"?(false|0)/i.test(i.args));
    if (aptConfigured) return out;
    for (const { instr, cmd } of runCommands(facts)) {
      if ((cmd.name !== 'apt-get' && cmd.name !== 'apt') || !cmd.args.includes('install')) continue;
      if (hasOption(cmd.args, ['--no-install-recommends']) || cmd.args.some((a) => /Install-Recommends=(false|0)/i.test(a))) continue;
      out.push({ message: `${cmd.name} install without --no-install-recommends`, location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${cmd.args.join(' ')}` });
    }
    return out;
  },
};
