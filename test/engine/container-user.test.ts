import { describe, expect, it } from 'vitest';
import { namedUser, uidInPasswd } from '../../src/engine/container-user.js';

const PASSWD = ['root:x:0:0:root:/root:/bin/sh', 'toor:x:0:0::/root:/bin/sh', 'app:x:1000:1000::/home/app:/bin/sh', 'odd:x:notanumber:1::/:/bin/sh', '# a comment', 'short:x', ''].join('\n');

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

describe('uidInPasswd', () => {
  it.each<[string, number | undefined]>([
    ['root', 0],
    ['toor', 0],
    ['app', 1000],
    ['nobody', undefined],
    ['odd', undefined],
    ['short', undefined],
    ['ap', undefined],
  ])('%s -> %j', (name, uid) => expect(uidInPasswd(PASSWD, name)).toBe(uid));
});
