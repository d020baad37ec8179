import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, commandLine, runCommands, type DockerfileFacts } from '../../dockerfile/facts.js';

export const aptUpgrade: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF022',
    slug: 'apt-upgrade',
    target: 'dockerfile',
    severity: 'low',
    title: 'apt-get upgrade / dist-upgrade in a Dockerfile',
    rationale:
      'Upgrading every package inside the build makes the image depend on the day it was built rather than on its base image and pinned packages, so two builds of the same Dockerfile differ; dist-upgrade can even move to a different release.',
    fix: 'Rebuild on a newer base image (pinned by digest) to get updates, and install specific packages; keep upgrades out of the Dockerfile.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3005'],
    example: { bad: 'RUN apt-get update && apt-get dist-upgrade -y', good: 'FROM debian:12.8-slim' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { instr, cmd } of runCommands(facts)) {
      if (cmd.name !== 'apt-get' && cmd.name !== 'apt' && cmd.name !== 'aptitude') continue;
      const verb = cmd.args.find((a) => a === 'upgrade' || a === 'dist-upgrade' || a === 'full-upgrade' || a === 'safe-upgrade');
      if (verb) out.push({ message: `${cmd.name} ${verb} in the build`, location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${cmd.name} ${verb}` });
    }
    return out;
  },
};
