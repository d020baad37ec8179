import type { Rule } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';

export const maintainerDeprecated: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF027',
    slug: 'maintainer-deprecated',
    target: 'dockerfile',
    severity: 'info',
    title: 'MAINTAINER is deprecated',
    rationale: 'MAINTAINER has been deprecated since Docker 1.13; tools read the OCI label instead, so the information is effectively lost.',
    fix: 'Replace it with `LABEL org.opencontainers.image.authors="team@example.com"`.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL4000'],
    example: { bad: 'MAINTAINER Jane <jane@example.com>', good: 'LABEL org.opencontainers.image.authors="jane@example.com"' },
  },
  check(facts) {
    return facts.instructions.filter((i) => i.keyword === 'MAINTAINER').map((i) => ({ message: 'MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors', location: at(i), key: `${i.stage?.label}|maintainer` }));
  },
};
