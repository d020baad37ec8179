import type { FindingDraft, Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';
import { layerLocation, scannedLayers } from './_helpers.js';

export const gitDirectory: Rule<ImageFacts> = {
  meta: {
    id: 'IM012',
    slug: 'git-directory',
    target: 'image',
    severity: 'medium',
    title: '.git directory in the image',
    rationale:
      'A .git directory carries the whole history of the source, including files deleted long ago, remote URLs that may embed tokens, and anything once committed by mistake. It also makes the image larger for no runtime benefit.',
    fix: 'Add `.git` to .dockerignore, or copy only build outputs into the final stage of a multi-stage build.',
    example: { bad: 'COPY . /src', good: '# .dockerignore\n.git' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { layer, scan } of scannedLayers(facts)) {
      for (const s of scan.sensitive) {
        if (s.kind !== 'git-directory' || !facts.final.visible(layer.index, s.path)) continue;
        out.push({ message: `${s.path} is a git repository in the image`, location: layerLocation(layer, s.path), key: s.path });
      }
    }
    return out;
  },
};
