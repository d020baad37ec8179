import { posix } from 'node:path';

/** What a request is, as far as the plugin cares; everything else passes without its body being read. */
export type AuthzAction =
  | 'container-create'
  | 'exec-create'
  | 'container-update'
  | 'container-start'
  | 'plugin-change'
  | 'build'
  | 'buildkit'
  | 'service-change'
  | 'volume-create'
  | 'other';

export interface Route {
  action: AuthzAction;
  /** the path as dockerd's router sees it: percent-decoded, dot segments and repeated slashes removed, no API version */
  path: string;
  /** the query string's parameters (parsed on first use: most requests never need them) */
  readonly query: URLSearchParams;
}

const VERSION_PREFIX = /^\/v[0-9]+(?:\.[0-9]+)?(?=\/|$)/;

/**
 * RequestUri (the raw request line target, e.g. "/v1.41//containers/create?name=x") -> route.
 * Go's router matches the decoded path, so "%63reate" is "create" here too. Matching ignores
 * case: a spelling dockerd would answer 404 to only costs a stricter check.
 * Returns undefined for a target that cannot be decoded (dockerd answers 400; we deny).
 */
export function routeOf(method: string, requestUri: string): Route | undefined {
  const q = requestUri.indexOf('?');
  const rawPath = q < 0 ? requestUri : requestUri.slice(0, q);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  let path = posix.normalize(`/${decoded}`).replace(/\/+$/, '') || '/';
  path = path.replace(VERSION_PREFIX, '') || '/';
  const p = path.toLowerCase();
  const m = method.toUpperCase();
  let action: AuthzAction = 'other';
  if (m === 'POST') {
    const seg = p.split('/');
    if (p === '/containers/create') action = 'container-create';
    else if (seg.length === 4 && seg[1] === 'containers' && seg[3] === 'exec') action = 'exec-create';
    else if (seg.length === 4 && seg[1] === 'containers' && seg[3] === 'update') action = 'container-update';
    else if (seg.length === 4 && seg[1] === 'containers' && seg[3] === 'start') action = 'container-start';
    else if (p === '/build') action = 'build';
    else if (p === '/grpc' || p === '/session') action = 'buildkit';
    else if (p === '/services/create' || (seg.length === 4 && seg[1] === 'services' && seg[3] === 'update')) action = 'service-change';
    else if (p === '/volumes/create') action = 'volume-create';
  }
  // any change under /plugins (pull, create, enable, disable, set, upgrade, push, remove); listing and inspect are GETs
  if (m !== 'GET' && m !== 'HEAD' && (p === '/plugins' || p.startsWith('/plugins/'))) action = 'plugin-change';
  let query: URLSearchParams | undefined;
  return {
    action,
    path,
    get query() {
      return (query ??= new URLSearchParams(q < 0 ? '' : requestUri.slice(q + 1)));
    },
  };
}
