import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { permissionBits } from '../../file-mode.js';

export const setuidFileAdded: Rule<ContainerFacts> = {
  meta: {
    id: 'CT025',
    slug: 'setuid-file-added',
    target: 'container',
    severity: 'high',
    title: 'Setuid/setgid file in container filesystem',
    rationale:
      'A setuid or setgid file that appeared while the container ran was not in its image: it is the classic mark of an intruder keeping a way back to root (a copied shell with mode 4755). With --fs full, setuid files that came with the image are listed too, at a lower severity, since each is a privilege-escalation path unless no-new-privileges is set.',
    fix: 'Find out what created the file (docker diff, the container logs), recreate the container from its image, and run with --security-opt no-new-privileges and a read-only root filesystem.',
    cis: ['4.8'],
    example: { bad: "docker exec app sh -c 'cp /bin/sh /opt/.sh && chmod 4755 /opt/.sh'" },
  },
  check: (c) =>
    (c.files?.specialFiles ?? []).map((f) => {
      const bits = [f.setuid ? 'setuid' : '', f.setgid ? 'setgid' : ''].filter(Boolean).join('+');
      const when = f.origin === 'filesystem' ? 'in its filesystem' : `${f.origin} at run time`;
      return {
        message: `container ${c.name} has ${bits} file ${f.path} (mode ${permissionBits(f.mode)}) ${when}`,
        location: { path: f.path },
        severity: f.origin === 'filesystem' ? ('medium' as const) : undefined,
        key: f.path,
      };
    }),
};
