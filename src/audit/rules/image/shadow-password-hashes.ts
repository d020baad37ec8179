import type { FindingDraft, Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';
import { layerLocation, scannedLayers } from './_helpers.js';

export const shadowPasswordHashes: Rule<ImageFacts> = {
  meta: {
    id: 'IM010',
    slug: 'shadow-password-hashes',
    target: 'image',
    severity: 'high',
    title: '/etc/shadow holds usable password hashes or empty passwords',
    rationale:
      'A password hash in an image is published with it and can be cracked offline; the same password is often used elsewhere. An empty password field lets anyone log in as that user. Container users should have locked passwords (`*` or `!`).',
    fix: 'Do not set passwords in images (`chpasswd`, `echo ... | passwd`); lock accounts with `passwd -l <user>` or `usermod -p \'*\' <user>` and authenticate at the edge instead.',
    example: { bad: 'RUN echo "root:hunter2" | chpasswd', good: 'RUN passwd -l root' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { layer, scan } of scannedLayers(facts)) {
      for (const s of scan.sensitive) {
        if (s.kind !== 'shadow-password-hash' || !facts.final.visible(layer.index, s.path)) continue;
        out.push({ message: `${s.path}: ${s.detail}`, location: layerLocation(layer, s.path), key: s.path });
      }
    }
    return out;
  },
};
