import type { FindingDraft, Rule } from '../rule.js';
import type { Location } from '../../model.js';
import type { ImageFacts } from '../../image/facts.js';
import { classifyAssignment, scanText } from '../../secrets/index.js';
import { buildArgsOf, redactInstruction } from '../../image/history.js';
import { maxSeverity } from './_helpers.js';

export const secretInHistory: Rule<ImageFacts> = {
  meta: {
    id: 'IM006',
    slug: 'secret-in-history',
    target: 'image',
    severity: 'high',
    title: 'Secret in the image history (build args, RUN commands)',
    rationale:
      'The image history records every instruction, including the values of build args a RUN used (`|1 TOKEN=... /bin/sh -c ...`) and the literal text of RUN commands. `docker history --no-trunc` shows them to anyone with the image, so an ARG is no safer than an ENV for a secret.',
    fix: 'Pass build-time secrets with `RUN --mount=type=secret` (BuildKit) instead of ARG, and never write a token into a RUN line. Rotate the published value.',
    references: ['https://docs.docker.com/build/building/secrets/'],
    example: { bad: 'ARG NPM_TOKEN\nRUN npm ci', good: 'RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const history = facts.config?.history ?? [];
    let layerIndex = 0;
    history.forEach((h, i) => {
      const layer = h.emptyLayer ? undefined : facts.layers[layerIndex];
      if (!h.emptyLayer) layerIndex++;
      const text = h.createdBy;
      if (!text) return;
      const loc: Location = layer ? { layer: { index: layer.index, digest: layer.digest, createdBy: redactInstruction(text) } } : {};
      loc.path = `history[${i}]`;
      const seen = new Set<string>();
      for (const arg of buildArgsOf(text)) {
        const m = classifyAssignment(arg.name, arg.value);
        if (!m) continue;
        seen.add(m.redacted);
        out.push({ message: `build arg ${arg.name} in history[${i}]: ${m.title}`, severity: maxSeverity(m.severity, 'high'), location: loc, evidence: m.redacted, key: `history|${i}|${arg.name}` });
      }
      // ENV and LABEL steps are in the config too (IM005); other text is scanned for token formats
      if (/#\(nop\)\s+(?:ENV|LABEL) /.test(text) || /^(?:ENV|LABEL) /.test(text)) return;
      for (const m of scanText(text)) {
        if (seen.has(m.redacted) || m.kind === 'generic-secret') continue;
        out.push({ message: `${m.title} in the instruction of history[${i}]`, severity: maxSeverity(m.severity, 'high'), location: loc, evidence: m.redacted, key: `history|${i}|${m.kind}|${m.redacted}` });
      }
    });
    return out;
  },
};
