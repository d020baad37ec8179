import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, commandLine, hasOption, runCommands, type DockerfileFacts } from '../../dockerfile/facts.js';

export const pipNoCacheDir: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF024',
    slug: 'pip-no-cache-dir',
    target: 'dockerfile',
    severity: 'low',
    title: 'pip install without --no-cache-dir',
    rationale: 'pip keeps downloaded wheels in ~/.cache/pip; in an image layer that cache is dead weight (often hundreds of MB) and can hold private packages.',
    fix: 'Use `pip install --no-cache-dir ...`, set `ENV PIP_NO_CACHE_DIR=1`, or use a cache mount (`RUN --mount=type=cache,target=/root/.cache/pip`).',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3042'],
    example: { bad: 'RUN pip install -r requirements.txt', good: 'RUN pip install --no-cache-dir -r requirements.txt' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const envOff = facts.instructions.some((i) => i.keyword === 'ENV' && i.properties.some((p) => p.name === 'PIP_NO_CACHE_DIR' && /^(1|true|yes|on|off|0|false)$/i.test(p.value ?? '')));
    if (envOff) return out;
    for (const { instr, cmd } of runCommands(facts)) {
      const isPip = cmd.name === 'pip' || cmd.name === 'pip3' || ((cmd.name === 'python' || cmd.name === 'python3') && cmd.args[0] === '-m' && cmd.args[1]?.startsWith('pip'));
      if (!isPip || !cmd.args.includes('install') || hasOption(cmd.args, ['--no-cache-dir'])) continue;
      if (cmd.argv.some((w) => /^PIP_NO_CACHE_DIR=/.test(w))) continue;
      if (instr.flags.some((f) => f.name === 'mount' && /type=cache/.test(f.value ?? '') && /\.cache\/pip/.test(f.value ?? ''))) continue;
      out.push({ message: `${cmd.name} install without --no-cache-dir`, location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${cmd.args.join(' ')}` });
    }
    return out;
  },
};
