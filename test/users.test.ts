import { describe, expect, it } from 'vitest';
import { isRootUser, namedUser, passwdUids } from '../src/users.js';

describe('isRootUser', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, true],
    ['', true],
    ['root', true],
    ['0', true],
    ['00', true],
    ['0:1000', true],
    ['root:staff', true],
    [' root ', true],
    ['1000', false],
    ['65534:65534', false],
    ['app', false],
    ['rooter', false],
  ])('%j -> %s', (user, root) => expect(isRootUser(user)).toBe(root));
});

describe('namedUser: which USER values need the image\'s /etc/passwd', () => {
  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['1000', undefined],
    ['1000:1000', undefined],
    ['0', undefined],
    ['app', 'app'],
    ['app:staff', 'app'],
    ['app:1000', 'app'],
    [' toor ', 'toor'],
    ['65534:65534', undefined],
  ])('%j -> %j', (user, name) => expect(namedUser(user)).toBe(name));
});

describe('passwdUids reads /etc/passwd the way runc resolves a USER name', () => {
  const PASSWD = [
    'root:x:0:0:root:/root:/bin/sh',
    'toor:x:0:0::/root:/bin/sh',
    'app:x:1000:1000::/home/app:/bin/sh',
    // runc parses the uid with strconv.Atoi and ignores its error: these are all uid 0
    'odd:x:notanumber:1::/:/bin/sh',
    'short:x',
    'bare',
    '  ',
    // the first line with a name wins
    'app:x:0:0::/:/bin/sh',
    'signed:x:+7:7::/:/bin/sh',
  ].join('\n');
  it.each<[string, number | undefined]>([
    ['root', 0],
    ['toor', 0],
    ['app', 1000],
    ['odd', 0],
    ['short', 0],
    ['bare', 0],
    ['signed', 7],
    ['nobody', undefined],
    ['ap', undefined],
  ])('%s -> %j', (name, uid) => expect(passwdUids(PASSWD).get(name)).toBe(uid));
});
