import type { EngineConfinement } from '../audit/container/facts.js';
import { CreateRequestError, fromCreateRequest, type CreateRequestBody } from '../audit/container/from-create-request.js';
import { containerRules } from '../audit/rules/container/index.js';
import type { LoadedPolicy } from '../policy/load.js';
import type { AuthzExemption } from '../policy/types.js';
import { isRootUser, namedUser } from '../users.js';
import { denyingFindings, type JudgedFinding } from './policy-view.js';
import { AUTHZ_REASONS, type AuthzReasonId } from './reasons.js';
import { CREATE_BODY, EXEC_BODY, UPDATE_BODY, canonicalBody, type FieldSpec } from './request-shape.js';
import { routeOf, type AuthzAction } from './route.js';
import { parseUntrustedJson } from './untrusted-json.js';

/** One AuthZReq as dockerd sends it (pkg/authorization/api.go), the body already base64-decoded. */
export interface AuthzRequest {
  user: string;
  method: string;
  uri: string;
  body: Uint8Array | undefined;
  headers: Record<string, string>;
}

export interface AuthzContext {
  policy: Pick<LoadedPolicy, 'name' | 'policy' | 'plan'>;
  /** what the host can enforce, read once at startup (no engine call while deciding) */
  engine: EngineConfinement;
  now: Date;
}

export interface AuthzDecision {
  allow: boolean;
  action: AuthzAction;
  /** for dockerd's error message: the rule ids and their fixes; "" when allowed */
  msg: string;
  ruleIds: string[];
  container?: string;
  image?: string;
  /** the request's env, for the log (the logger redacts values) */
  env?: Array<{ name: string; value: string }>;
  /** exemptions that turned a deny into an allow */
  exemptedBy?: Array<Pick<AuthzExemption, 'reason' | 'until'>>;
  /** exemptions that matched but have expired: they no longer apply */
  expired?: Array<Pick<AuthzExemption, 'reason' | 'until'>>;
}

const ALLOW_OTHER = (action: AuthzAction): AuthzDecision => ({ allow: true, action, msg: '', ruleIds: [] });

function header(headers: Record<string, string>, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === want) return v;
  return undefined;
}

function reasonText(id: AuthzReasonId, detail: string): string {
  return `${id} ${detail}; fix: ${AUTHZ_REASONS[id].fix}`;
}

function denyFor(action: AuthzAction, policyName: string, id: AuthzReasonId, detail: string, extra: Partial<AuthzDecision> = {}): AuthzDecision {
  return { allow: false, action, msg: `bulkhead policy ${policyName}: ${reasonText(id, detail)}`, ruleIds: [id], ...extra };
}

type BodyResult = { ok: true; value: Record<string, unknown> } | { ok: false; decision: AuthzDecision };

/** The body of a request that must have one: absent, empty or unreadable is a deny, whatever the headers say. */
function readBody(req: AuthzRequest, action: AuthzAction, spec: FieldSpec, policyName: string): BodyResult {
  if (!req.body || req.body.length === 0) {
    const length = header(req.headers, 'Content-Length');
    const chunked = /chunked/i.test(header(req.headers, 'Transfer-Encoding') ?? '');
    const said = length !== undefined && length.trim() !== '0' ? ` although Content-Length is ${length}` : chunked ? ' although it was sent chunked' : '';
    const type = header(req.headers, 'Content-Type');
    const detail = `the daemon forwarded no body${said}${type && !/^application\/json\b/i.test(type) ? ` (Content-Type ${type})` : ''}: a ${action} request is checked by its body`;
    return { ok: false, decision: denyFor(action, policyName, 'AZ001', detail) };
  }
  const parsed = parseUntrustedJson(req.body);
  if (!parsed.ok) return { ok: false, decision: denyFor(action, policyName, 'AZ002', parsed.problem) };
  const shaped = canonicalBody(parsed.value, spec);
  if (!shaped.ok) return { ok: false, decision: denyFor(action, policyName, 'AZ002', shaped.problem) };
  return { ok: true, value: shaped.value };
}

/** "*" matches any run of characters; everything else literally. */
function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

function exemptionMatches(e: AuthzExemption, who: { image: string; name: string; user: string }): boolean {
  if (e.image !== undefined && !globMatch(e.image, who.image)) return false;
  if (e.name !== undefined && !globMatch(e.name, who.name)) return false;
  // the daemon passes a user only for TLS client certificates; over the unix socket it is ""
  if (e.user !== undefined && (who.user === '' || e.user !== who.user)) return false;
  return true;
}

function findingText(f: JudgedFinding): string {
  const rule = containerRules.find((r) => r.meta.id === f.ruleId);
  const why = f.requiredBy ? ` (the policy requires ${f.requiredBy})` : ` (${f.severity})`;
  return `${f.ruleId} ${f.message}${why}; fix: ${rule?.meta.fix ?? ''}`;
}

function decideCreate(req: AuthzRequest, ctx: AuthzContext, query: URLSearchParams): AuthzDecision {
  const action: AuthzAction = 'container-create';
  const policyName = ctx.policy.name;
  const body = readBody(req, action, CREATE_BODY, policyName);
  if (!body.ok) return body.decision;
  const name = query.get('name') ?? '';
  const shownName = name || '(unnamed)';
  let facts;
  try {
    facts = fromCreateRequest(body.value as CreateRequestBody, { name: shownName, engine: ctx.engine });
  } catch (err) {
    if (err instanceof CreateRequestError) return denyFor(action, policyName, 'AZ002', err.message, { container: name });
    throw err;
  }
  const who = { container: name, image: facts.image, env: facts.env };
  let denying = denyingFindings(containerRules, facts, ctx.policy);
  if (denying.length === 0) return { allow: true, action, msg: '', ruleIds: [], ...who };

  const today = ctx.now.toISOString().slice(0, 10);
  const exemptedBy: AuthzDecision['exemptedBy'] = [];
  const expired: AuthzDecision['expired'] = [];
  for (const e of ctx.policy.policy.authz.exemptions) {
    if (!exemptionMatches(e, { image: facts.image, name, user: req.user })) continue;
    const covers = denying.filter((f) => e.rules === undefined || e.rules.includes(f.ruleId));
    if (covers.length === 0) continue;
    if (e.until < today) {
      expired.push({ reason: e.reason, until: e.until });
      continue;
    }
    exemptedBy.push({ reason: e.reason, until: e.until });
    denying = denying.filter((f) => !covers.includes(f));
  }
  const notes = { ...(exemptedBy.length ? { exemptedBy } : {}), ...(expired.length ? { expired } : {}) };
  if (denying.length === 0) return { allow: true, action, msg: '', ruleIds: [], ...who, ...notes };
  const ids = [...new Set(denying.map((f) => f.ruleId))];
  return {
    allow: false,
    action,
    msg: `bulkhead policy ${policyName} denies container ${shownName} (${facts.image || 'no image'}): ${denying.map(findingText).join(' | ')}`,
    ruleIds: ids,
    ...who,
    ...notes,
  };
}

function decideExec(req: AuthzRequest, ctx: AuthzContext): AuthzDecision {
  const action: AuthzAction = 'exec-create';
  const body = readBody(req, action, EXEC_BODY, ctx.policy.name);
  if (!body.ok) return body.decision;
  const exec = body.value as { Privileged?: boolean; User?: string };
  const user = exec.User ?? '';
  if (exec.Privileged === true) return denyFor(action, ctx.policy.name, 'AZ003', 'exec with --privileged gets every capability and no seccomp or AppArmor confinement');
  // "" runs as the container's user, which its create was checked for
  if (user !== '' && isRootUser(user)) return denyFor(action, ctx.policy.name, 'AZ003', `exec as ${user} (uid 0)`);
  const name = namedUser(user);
  if (name !== undefined && ctx.policy.policy.securityContext.runAsNonRoot) {
    return denyFor(action, ctx.policy.name, 'AZ003', `exec as user ${user}: its uid is in the container's /etc/passwd, which the request does not show, and the policy requires non-root`);
  }
  return { allow: true, action, msg: '', ruleIds: [] };
}

function decideUpdate(req: AuthzRequest, ctx: AuthzContext): AuthzDecision {
  const action: AuthzAction = 'container-update';
  const body = readBody(req, action, UPDATE_BODY, ctx.policy.name);
  if (!body.ok) return body.decision;
  // 0 means "unchanged" for these in an update; -1 (and 0 for PidsLimit) means unlimited
  const u = body.value as { MemorySwap?: number; CpuQuota?: number; PidsLimit?: number; Memory?: number };
  const removed: string[] = [];
  if (u.Memory !== undefined && u.Memory < 0) removed.push('CT013 memory');
  if (u.MemorySwap !== undefined && u.MemorySwap < 0) removed.push('CT013 swap (--memory-swap -1)');
  if (u.CpuQuota !== undefined && u.CpuQuota < 0) removed.push('CT014 CPU quota');
  if (u.PidsLimit !== undefined && u.PidsLimit <= 0) removed.push('CT015 PIDs limit');
  if (removed.length === 0) return { allow: true, action, msg: '', ruleIds: [] };
  const ids = [...new Set(removed.map((r) => r.slice(0, 5)))];
  return { ...denyFor(action, ctx.policy.name, 'AZ004', `the update sets unlimited: ${removed.join(', ')}`), ruleIds: ['AZ004', ...ids] };
}

function decideVolume(req: AuthzRequest, ctx: AuthzContext): AuthzDecision {
  const action: AuthzAction = 'volume-create';
  const spec: FieldSpec = { object: { Name: 'any', Driver: 'string', DriverOpts: { map: 'string' }, Labels: 'any', ClusterVolumeSpec: 'any' } };
  const body = readBody(req, action, spec, ctx.policy.name);
  if (!body.ok) return body.decision;
  const v = body.value as { Driver?: string; DriverOpts?: Record<string, string> };
  const device = v.DriverOpts?.device;
  if (['', 'local'].includes(v.Driver ?? '') && device !== undefined && device.startsWith('/')) {
    return denyFor(action, ctx.policy.name, 'AZ010', `the volume mounts host path ${device}`);
  }
  return { allow: true, action, msg: '', ruleIds: [] };
}

/**
 * The decision for one AuthZReq: pure, bounded work (the body is capped and parsed once), no
 * IO. A create is denied exactly when auditing the container it makes would report a finding
 * the policy does not admit (src/authz/policy-view.ts); see docs/authz.md for the rest.
 */
export function decide(req: AuthzRequest, ctx: AuthzContext): AuthzDecision {
  const route = routeOf(req.method, req.uri);
  if (!route) return denyFor('other', ctx.policy.name, 'AZ002', `request URI ${JSON.stringify(req.uri.slice(0, 200))} cannot be decoded`);
  const policyName = ctx.policy.name;
  switch (route.action) {
    case 'container-create':
      return decideCreate(req, ctx, route.query);
    case 'exec-create':
      return decideExec(req, ctx);
    case 'container-update':
      return decideUpdate(req, ctx);
    case 'volume-create':
      return decideVolume(req, ctx);
    case 'container-start': {
      const length = header(req.headers, 'Content-Length');
      const hasBody = (req.body && req.body.length > 0 && !/^\s*(null|\{\s*\})?\s*$/.test(Buffer.from(req.body).toString('latin1'))) || (length !== undefined && Number(length) > 2);
      return hasBody ? denyFor(route.action, policyName, 'AZ008', 'POST /containers/{id}/start carries a body') : ALLOW_OTHER(route.action);
    }
    case 'plugin-change':
      return denyFor(route.action, policyName, 'AZ005', `${req.method.toUpperCase()} ${route.path} changes an engine plugin`);
    case 'service-change':
      return denyFor(route.action, policyName, 'AZ009', `${route.path}: swarm services are not checked`);
    case 'build': {
      if (ctx.policy.policy.authz.builds === 'deny') return denyFor(route.action, policyName, 'AZ007', 'the policy denies image builds (authz.builds: deny)');
      const modes = route.query.getAll('networkmode').map((m) => m.toLowerCase());
      return modes.includes('host') ? denyFor(route.action, policyName, 'AZ006', 'the build asks for networkmode=host') : ALLOW_OTHER(route.action);
    }
    case 'buildkit':
      return ctx.policy.policy.authz.builds === 'deny' ? denyFor(route.action, policyName, 'AZ007', `${route.path} is a BuildKit build, denied by authz.builds: deny`) : ALLOW_OTHER(route.action);
    default:
      return ALLOW_OTHER(route.action);
  }
}
