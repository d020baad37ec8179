import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, commandLine, hasOption, operands, runCommands, type DfInstruction, type DockerfileFacts } from '../../dockerfile/facts.js';
import type { ShellCommand, ShellScript } from '../../dockerfile/shell.js';

/** Environment settings that turn TLS or signature checks off, by variable name -> bad values. */
const INSECURE_ENV: Record<string, RegExp> = {
  GIT_SSL_NO_VERIFY: /^(1|true|yes)$/i,
  NODE_TLS_REJECT_UNAUTHORIZED: /^0$/,
  PYTHONHTTPSVERIFY: /^0$/,
  PIP_TRUSTED_HOST: /./,
  NPM_CONFIG_STRICT_SSL: /^false$/i,
  CURL_CA_BUNDLE: /^$/,
  GONOSUMDB: /./,
  GOINSECURE: /./,
  GOFLAGS: /-insecure/,
};

function insecureAssignment(word: string): string | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(word);
  if (!m) return undefined;
  const bad = INSECURE_ENV[m[1]!.toUpperCase()];
  return bad && bad.test(m[2]!) ? `${m[1]}=${m[2]}` : undefined;
}

/** What the rest of the RUN says about where packages come from. */
interface RunContext {
  /** the RUN builds a local apt repository index (dpkg-scanpackages, apt-ftparchive) */
  buildsLocalAptRepo: boolean;
  /** targets of `--mount=type=bind,from=<stage>`: files another build stage made */
  stageMounts: string[];
}

const LOCAL_APT_INDEXERS = new Set(['dpkg-scanpackages', 'dpkg-scansources', 'apt-ftparchive']);

function runContext(instr: DfInstruction, script: ShellScript): RunContext {
  const stageMounts: string[] = [];
  for (const f of instr.flags) {
    if (f.name !== 'mount' || !f.value) continue;
    const opts = new Map(f.value.split(',').map((kv) => [kv.split('=')[0]!.trim(), kv.slice(kv.indexOf('=') + 1).trim()] as const));
    const target = opts.get('target') ?? opts.get('dst') ?? opts.get('destination');
    if ((opts.get('type') ?? 'bind') === 'bind' && opts.has('from') && target) stageMounts.push(target.replace(/\/+$/, ''));
  }
  return { buildsLocalAptRepo: script.commands.some((c) => LOCAL_APT_INDEXERS.has(c.name)), stageMounts };
}

/**
 * `deb [trusted=yes] file:///tmp/repo ./` for a repository this RUN just indexed from .debs it
 * built or downloaded and verified itself (docker-library postgres, nginx): apt has no
 * signature to check on a local index, and nothing crosses the network.
 */
const LOCAL_TRUSTED_SOURCE = /trusted=yes\s*\]\s*(file|copy):/;

/** What, if anything, this command does to disable verification. */
function disabledVerification(c: ShellCommand, run: RunContext): string | undefined {
  const a = c.args;
  const joined = a.join(' ');
  for (const w of c.argv) {
    const env = insecureAssignment(w);
    if (env) return env;
  }
  switch (c.name) {
    case 'apt-get':
    case 'apt':
    case 'aptitude':
      if (hasOption(a, ['--allow-unauthenticated', '--allow-insecure-repositories', '--force-yes'])) return `${c.name} --allow-unauthenticated`;
      if (/AllowUnauthenticated=(true|1)|AllowInsecureRepositories=(true|1)|Verify-Peer=(false|0)/i.test(joined)) return `${c.name} -o ...${/Verify-Peer/i.test(joined) ? 'Verify-Peer=false' : 'AllowUnauthenticated'}`;
      return undefined;
    case 'curl':
      return hasOption(a, ['--insecure', '--proxy-insecure'], ['k']) ? 'curl -k/--insecure' : undefined;
    case 'wget':
      return hasOption(a, ['--no-check-certificate']) ? 'wget --no-check-certificate' : undefined;
    case 'pip':
    case 'pip3':
    case 'pipenv':
    case 'poetry':
    case 'uv':
      if (hasOption(a, ['--trusted-host'])) return `${c.name} --trusted-host`;
      if (a[0] === 'config' && a.some((x) => /trusted-host/.test(x))) return `${c.name} config trusted-host`;
      return undefined;
    case 'python':
    case 'python3':
      return a[0] === '-m' && a[1]?.startsWith('pip') && hasOption(a, ['--trusted-host']) ? 'pip --trusted-host' : undefined;
    case 'npm':
    case 'yarn':
    case 'pnpm':
      if (a[0] === 'config' && a[1] === 'set' && /strict-ssl/.test(a[2] ?? '') && /false/.test(`${a[2]} ${a[3] ?? ''}`)) return `${c.name} config set strict-ssl false`;
      if (hasOption(a, ['--strict-ssl=false', '--no-strict-ssl'])) return `${c.name} --strict-ssl=false`;
      return undefined;
    case 'git':
      if (a.includes('http.sslVerify') && /false|0/.test(a[a.indexOf('http.sslVerify') + 1] ?? '')) return 'git config http.sslVerify false';
      if (a.some((x) => /^http\.sslVerify=(false|0)$/i.test(x))) return 'git -c http.sslVerify=false';
      return undefined;
    case 'yum':
    case 'dnf':
    case 'microdnf':
    case 'zypper':
      return hasOption(a, ['--nogpgcheck', '--no-gpg-checks']) ? `${c.name} --nogpgcheck` : undefined;
    case 'rpm':
      return hasOption(a, ['--nosignature', '--nodigest']) ? 'rpm --nosignature' : undefined;
    case 'apk': {
      if (!hasOption(a, ['--allow-untrusted'])) return undefined;
      // packages another stage built, bind-mounted in (nginx's modules image): nothing was downloaded unsigned
      const pkgs = operands(a).filter((x) => x !== 'add' && x !== 'install');
      const fromStage = pkgs.length > 0 && pkgs.every((x) => run.stageMounts.some((t) => x.startsWith(`${t}/`)));
      return fromStage ? undefined : 'apk --allow-untrusted';
    }
    case 'gem':
      return /ssl_verify_mode:?\s*0/.test(joined) ? 'gem ssl_verify_mode 0' : undefined;
    default:
      // echo 'deb [trusted=yes] ...' > /etc/apt/sources.list.d/x.list
      if (c.redirects.some((r) => r.target.startsWith('/etc/apt/')) && /trusted=yes/.test(joined)) {
        if (run.buildsLocalAptRepo && LOCAL_TRUSTED_SOURCE.test(joined)) return undefined;
        return 'apt source with [trusted=yes]';
      }
      if (c.redirects.some((r) => /\/(\.curlrc|\.wgetrc|\.npmrc|pip\.conf)$/.test(r.target)) && /insecure|check_certificate\s*=\s*off|strict-ssl\s*=\s*false|trusted-host/i.test(joined)) return 'TLS checks turned off in a config file';
      return undefined;
  }
}

export const verificationDisabled: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF012',
    slug: 'verification-disabled',
    target: 'dockerfile',
    severity: 'high',
    title: 'Package or download verification disabled',
    rationale:
      'Flags like `--allow-unauthenticated`, `--no-check-certificate`, `curl -k`, `pip --trusted-host`, `npm config set strict-ssl false` or `GIT_SSL_NO_VERIFY=1` turn off the signature or TLS checks that stop a tampered package or a man-in-the-middle from getting into the image. Not reported: `[trusted=yes]` on a `file:` repository that the same RUN indexes (dpkg-scanpackages, apt-ftparchive), and `apk --allow-untrusted` of packages bind-mounted from another build stage: nothing unsigned crosses the network there.',
    fix: 'Remove the flag and fix the cause: install the CA certificates (`ca-certificates`), import the repository signing key, or use an HTTPS mirror with a valid certificate.',
    cis: ['4.11'],
    example: { bad: 'RUN apt-get install -y --allow-unauthenticated foo', good: 'RUN apt-get install -y --no-install-recommends foo' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const contexts = new Map<DfInstruction, RunContext>();
    for (const { instr, cmd, script } of runCommands(facts)) {
      let run = contexts.get(instr);
      if (!run) contexts.set(instr, (run = runContext(instr, script)));
      const what = disabledVerification(cmd, run);
      if (what) out.push({ message: `verification disabled: ${what}`, location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${what}|${cmd.args.join(' ')}` });
    }
    for (const instr of facts.instructions) {
      if (instr.keyword !== 'ENV') continue;
      for (const p of instr.properties) {
        const what = insecureAssignment(`${p.name}=${p.value ?? ''}`);
        if (what) out.push({ message: `verification disabled: ENV ${what}`, location: at(instr, p.line), key: `${instr.stage?.label}|env|${p.name}` });
      }
    }
    return out;
  },
};
