import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, commandLine, hasOption, runCommands, type DockerfileFacts } from '../../dockerfile/facts.js';

export const apkNoCache: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF023',
    slug: 'apk-no-cache',
    target: 'dockerfile',
    severity: 'low',
    title: 'apk add without --no-cache',
    rationale: 'Without --no-cache, apk keeps its package index under /var/cache/apk in the layer: extra size and stale metadata in every image.',
    fix: 'Use `apk add --no-cache pkg` (or remove /var/cache/apk/* in the same RUN).',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3019'],
    example: { bad: 'RUN apk add curl', good: 'RUN apk add --no-cache curl' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { instr, cmd, script } of runCommands(facts)) {
      if (cmd.name !== 'apk' || !cmd.args.includes('add') || hasOption(cmd.args, ['--no-cache'])) continue;
      const cleaned = script.commands.some((c) => c.name === 'rm' && c.args.some((a) => a.startsWith('/var/cache/apk')));
      const cacheMount = instr.flags.some((f) => f.name === 'mount' && /type=cache/.test(f.value ?? '') && /\/var\/cache\/apk|\/etc\/apk\/cache/.test(f.value ?? ''));
      if (!cleaned && !cacheMount) out.push({ message: 'apk add without --no-cache', location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${cmd.args.join(' ')}` });
    }
    return out;
  },
};
