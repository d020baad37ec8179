import type { FindingDraft, Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';
import { layerLocation, scannedLayers } from './_helpers.js';

export const secretInFile: Rule<ImageFacts> = {
  meta: {
    id: 'IM003',
    slug: 'secret-in-file',
    target: 'image',
    severity: 'high',
    title: 'Secret in a file of the image',
    rationale:
      'Anyone who can pull the image can read every file in it: private keys, cloud keys, registry and API tokens, .npmrc/.docker/config.json credentials, kubeconfigs, .env files and shell histories baked into an image are published with it, and they outlive the build that needed them.',
    fix: 'Do not COPY credentials into the image: use build secrets (`RUN --mount=type=secret`), a .dockerignore for .env, .npmrc, .git and key files, and inject runtime secrets at run time. Rotate any secret that was published.',
    references: ['https://docs.docker.com/build/building/secrets/'],
    example: { bad: 'COPY .npmrc /root/.npmrc', good: 'RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { layer, scan } of scannedLayers(facts)) {
      for (const s of scan.secrets) {
        if (!facts.final.visible(layer.index, s.path)) continue;
        const loc = layerLocation(layer, s.path);
        if (s.line !== undefined) loc.line = s.line;
        out.push({ message: `${s.title} in ${s.path}${s.line !== undefined ? `:${s.line}` : ''}`, severity: s.severity, location: loc, evidence: s.redacted, key: `${s.path}|${s.kind}|${s.redacted}` });
      }
    }
    return out;
  },
};
