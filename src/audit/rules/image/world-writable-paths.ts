import type { FindingDraft, Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';
import { permissionBits } from '../../file-mode.js';
import { layerLocation, scannedLayers } from './_helpers.js';

export const worldWritablePaths: Rule<ImageFacts> = {
  meta: {
    id: 'IM002',
    slug: 'world-writable-paths',
    target: 'image',
    severity: 'medium',
    title: 'World-writable file, or world-writable directory without the sticky bit',
    rationale:
      'Any user in the container can change a world-writable regular file, and can replace or delete other users\' files in a world-writable directory that lacks the sticky bit. A program, script or configuration file that a more privileged process later reads or runs becomes a way to escalate inside the container. Device nodes, fifos and sockets are not reported here: a device node in a layer is IM014\'s finding whatever its mode.',
    fix: 'Fix the modes in the Dockerfile (`chmod o-w`), give shared directories the sticky bit (`chmod 1777`), and prefer a dedicated owner with 0755/0644.',
    example: { bad: 'RUN mkdir /data && chmod 777 /data', good: 'RUN mkdir /data && chown app:app /data && chmod 0755 /data' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { layer, scan } of scannedLayers(facts)) {
      for (const e of scan.worldWritable) {
        // regular files and directories only: a device node's mode is not the problem (IM014)
        if (e.type !== 'file' && e.type !== 'hardlink' && e.type !== 'directory') continue;
        if (!facts.final.visible(layer.index, e.path)) continue;
        const what = e.type === 'directory' ? 'directory without the sticky bit' : 'file';
        out.push({ message: `${e.path} is a world-writable ${what} (mode ${permissionBits(e.mode)})`, location: layerLocation(layer, e.path), key: e.path });
      }
    }
    return out;
  },
};
