import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { redact } from '../../secrets/redact.js';
import { at, type DfInstruction, type DockerfileFacts } from '../../dockerfile/facts.js';

const URL_USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/@'"]+)@[^\s'"]+/gi;
/** A user part alone can be a token (`https://ghp_xxx@github.com`, `https://oauth2:glpat-...@`). */
const TOKEN_LIKE = /^(gh[pousr]_|github_pat_|glpat-|x-access-token$|oauth2$)|^[A-Za-z0-9_-]{32,}$/;

function credentialIn(userinfo: string): { secret: string; fromVariable: boolean } | undefined {
  const [user = '', ...rest] = userinfo.split(':');
  const password = rest.join(':');
  const secret = password || (TOKEN_LIKE.test(user) ? user : '');
  if (!secret || /^(x-access-token|oauth2)$/.test(secret)) return password ? { secret: password, fromVariable: password.includes('$') } : undefined;
  return { secret, fromVariable: secret.includes('$') };
}

/** Texts to search, each with the line it is on (heredoc bodies line by line). */
function textsOf(instr: DfInstruction): Array<{ text: string; line: number }> {
  if (instr.keyword === 'RUN' || instr.keyword === 'ADD' || instr.keyword === 'COPY') {
    return [{ text: instr.args, line: instr.line }, ...instr.heredocs.flatMap((h) => h.body.split('\n').map((text, i) => ({ text, line: h.line + i })))];
  }
  if (instr.keyword === 'ENV' || instr.keyword === 'ARG' || instr.keyword === 'LABEL') return instr.properties.map((p) => ({ text: p.value ?? '', line: p.line }));
  return [];
}

export const urlCredentials: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF011',
    slug: 'url-credentials',
    target: 'dockerfile',
    severity: 'critical',
    title: 'Credentials inside a URL (git clone https://user:token@...)',
    rationale:
      'A URL with a password or token in it is stored in the Dockerfile, in the image history (`docker history` shows every RUN and ADD) and often in the cloned repository\'s .git/config inside a layer. Anyone who can pull the image can read it.',
    fix: 'Use a BuildKit secret or SSH mount: `RUN --mount=type=secret,id=git_token ...` or `RUN --mount=type=ssh git clone git@host:org/repo.git`. Revoke the exposed credential.',
    cis: ['4.10'],
    references: ['https://docs.docker.com/build/building/secrets/'],
    example: { bad: 'RUN git clone https://deploy:s3cr3tPassw0rd@git.example.com/org/app.git', good: 'RUN --mount=type=ssh git clone git@git.example.com:org/app.git' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const instr of facts.instructions) {
      for (const { text, line } of textsOf(instr)) {
        for (const m of text.matchAll(URL_USERINFO)) {
          const cred = credentialIn(m[1]!);
          if (!cred) continue;
          const host = m[0].slice(m[0].indexOf('@') + 1).split(/[/:]/)[0];
          out.push(
            cred.fromVariable
              ? { message: `URL to ${host} carries a credential from a build variable; it is recorded in the image history`, location: at(instr, line), severity: 'high', key: `${instr.stage?.label}|${host}|var` }
              : { message: `URL to ${host} contains a credential`, location: at(instr, line), evidence: redact(cred.secret), key: `${instr.stage?.label}|${host}|${redact(cred.secret)}` },
          );
        }
      }
    }
    return out;
  },
};
