import { describe, expect, it } from 'vitest';
import { loggedUri } from '../../src/authz/decision-log.js';

const ARGS = '{"NPM_TOKEN":"npm_abcdefghijklmnopqrstuvwxyz0123456789"}';
const AUTH = 'eyJ1c2VybmFtZSI6ImJvYiIsInBhc3N3b3JkIjoiaHVudGVyMiJ9';

describe('loggedUri: the URI as the decision log keeps it', () => {
  it.each([
    ['build args', `/v1.41/build?t=app&buildargs=${encodeURIComponent(ARGS)}`, ARGS],
    ['registry auth in another case', `/v1.41/images/create?fromImage=x&RegistryAuth=${AUTH}`, AUTH],
    ['auth', `/v1.41/plugins/pull?remote=x&auth=${AUTH}`, AUTH],
    ['a percent-encoded parameter name', `/v1.41/build?%62uildargs=${encodeURIComponent(ARGS)}`, ARGS],
  ])('redacts %s', (_name, uri, secret) => {
    const out = loggedUri(uri);
    expect(out).not.toContain(secret);
    expect(decodeURIComponent(out)).not.toContain(secret);
    expect(decodeURIComponent(out.replace(/\+/g, ' '))).toMatch(/redacted/);
  });

  it('keeps a query without secrets as it came', () => {
    expect(loggedUri('/v1.41/containers/json?all=1&filters=%7B%7D')).toBe('/v1.41/containers/json?all=1&filters=%7B%7D');
    expect(loggedUri('/v1.41/containers/create?name=web')).toBe('/v1.41/containers/create?name=web');
    expect(loggedUri('/_ping')).toBe('/_ping');
  });

  it('caps a long URI at 512 characters', () => {
    expect(loggedUri(`/v1.41/containers/json?x=${'a'.repeat(1000)}`)).toHaveLength(513);
  });
});
