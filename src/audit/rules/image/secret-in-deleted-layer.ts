import type { FindingDraft, Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';
import { layerLocation, scannedLayers } from './_helpers.js';

export const secretInDeletedLayer: Rule<ImageFacts> = {
  meta: {
    id: 'IM004',
    slug: 'secret-in-deleted-layer',
    target: 'image',
    severity: 'high',
    title: 'Secret deleted by a later layer, still extractable from an earlier one',
    rationale:
      'Deleting a file in a later Dockerfile step only adds a whiteout on top: the bytes stay in the layer that added them, and anyone who pulls the image can extract that layer (`docker save`, or the registry blob) and read the secret. The running container does not show it, which is why it goes unnoticed.',
    fix: 'Never add the secret in the first place: use build secrets (`RUN --mount=type=secret`) or a multi-stage build that copies only the result into the final stage. Rotate the secret: it has been published with every copy of the image.',
    references: ['https://docs.docker.com/build/building/secrets/'],
    example: { bad: 'COPY id_rsa /root/.ssh/id_rsa\nRUN git clone git@host:repo.git && rm /root/.ssh/id_rsa', good: 'RUN --mount=type=ssh git clone git@host:repo.git' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { layer, scan } of scannedLayers(facts)) {
      for (const s of scan.secrets) {
        const hiddenBy = facts.final.hiddenBy(layer.index, s.path);
        if (hiddenBy === undefined) continue;
        const loc = layerLocation(layer, s.path);
        if (s.line !== undefined) loc.line = s.line;
        out.push({
          message: `${s.title} in ${s.path}, hidden by layer ${hiddenBy} but still extractable from layer ${layer.index}`,
          severity: s.severity,
          location: loc,
          evidence: s.redacted,
          key: `${layer.digest}|${s.path}|${s.kind}|${s.redacted}`,
        });
      }
    }
    return out;
  },
};
