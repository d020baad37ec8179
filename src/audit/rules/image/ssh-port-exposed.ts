import type { Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';

export const sshPortExposed: Rule<ImageFacts> = {
  meta: {
    id: 'IM008',
    slug: 'ssh-port-exposed',
    target: 'image',
    severity: 'medium',
    title: 'Image exposes port 22 (SSH)',
    rationale:
      'An SSH server in a container is a second way in that bypasses the engine\'s controls, with keys or passwords to manage and rotate inside an image. `docker exec` already gives operators a shell where one is needed.',
    fix: 'Remove the SSH server and `EXPOSE 22`; use `docker exec` (or your orchestrator\'s equivalent) for interactive access.',
    cis: ['5.7'],
    example: { bad: 'EXPOSE 22', good: 'EXPOSE 8080' },
  },
  check(facts) {
    return (facts.config?.exposedPorts ?? [])
      .filter((p) => /^22(?:\/tcp)?$/.test(p))
      .map((p) => ({ message: `the image exposes ${p} (SSH)`, location: { path: 'config.ExposedPorts' }, key: p }));
  },
};
