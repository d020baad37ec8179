import type { FindingDraft, Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';
import { layerLocation, scannedLayers } from './_helpers.js';

export const sshAuthorizedKeys: Rule<ImageFacts> = {
  meta: {
    id: 'IM011',
    slug: 'ssh-authorized-keys',
    target: 'image',
    severity: 'high',
    title: 'SSH authorized_keys in the image',
    rationale:
      'An authorized_keys file grants whoever holds the matching private key a login into every container made from the image; for /root it is a root login. Keys baked into images are never rotated with the people who leave.',
    fix: 'Remove the file and any SSH server from the image; use `docker exec` for access, or mount keys at run time from a secret store if SSH is truly required.',
    example: { bad: 'COPY authorized_keys /root/.ssh/authorized_keys' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { layer, scan } of scannedLayers(facts)) {
      for (const s of scan.sensitive) {
        if (s.kind !== 'authorized-keys' || !facts.final.visible(layer.index, s.path)) continue;
        out.push({ message: `${s.path} grants SSH logins (${s.detail})`, severity: s.path.startsWith('/root/') ? 'high' : 'medium', location: layerLocation(layer, s.path), key: s.path });
      }
    }
    return out;
  },
};
