import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { escapesRoot, normalizeEntryPath, scanFilesystemTar, usableShadowHashes } from '../../../src/audit/image/fs-scan.js';
import { FAKE, rsaPem } from '../secrets/fixtures.js';
import { makeTar, sha256 } from './tar-fixtures.js';

const scanBuf = (b: Buffer, opts = {}) => scanFilesystemTar(Readable.from([b]), opts);

describe('scanFilesystemTar', () => {
  it('collects entries, setuid files with hashes, world-writable paths, secrets, whiteouts and sensitive files', async () => {
    const bin = Buffer.from('\u007fELF\u0000\u0000binary');
    const layer = await makeTar([
      { name: 'bin/', type: 'directory' },
      { name: 'bin/busybox', content: bin, mode: 0o4755 },
      { name: 'usr/bin/wall', content: 'w', mode: 0o2755, gid: 5 },
      { name: 'tmp/', type: 'directory', mode: 0o1777 },
      { name: 'data/', type: 'directory', mode: 0o777 },
      { name: 'data/open.txt', content: 'x', mode: 0o666 },
      { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
      { name: 'app/.env', content: `DB_PASSWORD=${FAKE.password}\nGH=${FAKE.github}\n` },
      { name: 'root/.ssh/id_rsa', content: rsaPem() },
      { name: 'root/.ssh/authorized_keys', content: 'ssh-ed25519 AAAA user@host\n' },
      { name: 'root/.bash_history', content: 'ls\n' },
      { name: 'etc/shadow', content: 'root:$6$salt$hash:19000:0:99999:7:::\nbin:*:19000::::::\nnobody:!:19000::::::\n' },
      { name: 'src/.git/config', content: '[core]\n' },
      { name: 'src/.git/HEAD', content: 'ref: refs/heads/main\n' },
      { name: 'old/.wh.key.pem', content: '' },
      { name: 'cache/.wh..wh..opq', content: '' },
    ]);
    const scan = await scanBuf(gzipSync(layer));
    expect(scan.errors).toEqual([]);
    expect(scan.compression).toBe('gzip');
    expect(scan.entries.map((e) => e.path)).toContain('/bin/busybox');
    expect(scan.entries.some((e) => e.path.includes('.wh.'))).toBe(false);
    expect(scan.specialFiles.map((f) => [f.path, f.setuid, f.setgid, f.sha256])).toEqual([
      ['/bin/busybox', true, false, sha256(bin)],
      ['/usr/bin/wall', false, true, sha256('w')],
    ]);
    expect(scan.worldWritable.map((e) => e.path)).toEqual(['/data', '/data/open.txt']);
    const secrets = scan.secrets.map((s) => [s.path, s.kind]);
    expect(secrets).toEqual(
      expect.arrayContaining([
        ['/app/.env', 'generic-secret'],
        ['/app/.env', 'github-token'],
        ['/root/.ssh/id_rsa', 'private-key'],
        ['/root/.bash_history', 'shell-history'],
      ]),
    );
    expect(scan.secrets.find((s) => s.kind === 'github-token')?.line).toBe(2);
    expect(scan.whiteouts).toEqual([
      { path: '/old/key.pem', opaque: false },
      { path: '/cache', opaque: true },
    ]);
    expect(scan.sensitive.map((s) => [s.kind, s.path])).toEqual([
      ['authorized-keys', '/root/.ssh/authorized_keys'],
      ['shadow-password-hash', '/etc/shadow'],
      ['git-directory', '/src/.git'],
    ]);
    expect(JSON.stringify(scan)).not.toContain(FAKE.github);
    expect(JSON.stringify(scan)).not.toContain('$6$salt$hash');
  });

  it('finds a secret straddling two scan windows of a big file, once', async () => {
    const filler = 'lorem ipsum dolor\n'.repeat(70_000); // ~1.2 MiB, past the whole-file limit
    // tokens crossing the first window's end, and just before / inside its overlap
    for (const at of [1024 * 1024 - 10, 1024 * 1024 - 4096 - 20, 1024 * 1024 - 4000]) {
      const content = `${filler.slice(0, at)}\n${FAKE.github}\n${filler.slice(at)}`;
      const scan = await scanBuf(await makeTar([{ name: 'big.txt', content }]));
      expect(scan.secrets.filter((s) => s.kind === 'github-token'), `at ${at}`).toHaveLength(1);
    }
  });

  it('scans no further than maxFileSize and skips binary files', async () => {
    const content = 'x'.repeat(2000) + `\nGH=${FAKE.github}\n`;
    expect((await scanBuf(await makeTar([{ name: 'a.txt', content }]), { maxFileSize: 1000 })).secrets).toEqual([]);
    const bin = Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`GH=${FAKE.github}`)]);
    expect((await scanBuf(await makeTar([{ name: 'a.bin', content: bin }]))).secrets).toEqual([]);
  });

  it('reports traversal, absolute names and links above the root as anomalies', async () => {
    const layer = await makeTar([
      { name: '../../etc/evil', content: 'x' },
      { name: '/abs/file', content: 'x' },
      { name: 'a/link', type: 'symlink', linkname: '../../../etc/shadow' },
      { name: 'a/ok', type: 'symlink', linkname: '../etc/passwd' },
      { name: 'hl', type: 'link', linkname: '../outside' },
    ]);
    const scan = await scanBuf(layer);
    expect(scan.anomalies.map((a) => [a.kind, a.path])).toEqual([
      ['path-traversal', '/etc/evil'],
      ['absolute-path', '/abs/file'],
      ['link-outside-root', '/a/link'],
      ['link-outside-root', '/hl'],
    ]);
  });

  it('turns truncated and corrupt streams into errors, keeping what was read', async () => {
    const layer = await makeTar([{ name: 'a', content: 'a'.repeat(5000) }, { name: 'b', content: 'b'.repeat(5000) }]);
    const truncated = await scanBuf(layer.subarray(0, 6000));
    expect(truncated.errors[0]?.message).toMatch(/truncated|unexpected end/i);
    expect(truncated.entries.map((e) => e.path)).toContain('/a');
    const gz = gzipSync(layer);
    const badGz = await scanBuf(gz.subarray(0, gz.length - 40));
    expect(badGz.errors[0]?.message).toMatch(/truncated|unexpected end|gzip/i);
    const garbage = await scanBuf(Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(100, 7)]));
    expect(garbage.errors).toHaveLength(1);
    const notTar = await scanBuf(Buffer.from('this is not a tar file at all'.repeat(40)));
    expect(notTar.errors).toHaveLength(1);
  });

  it('reports xz layers as unsupported, not as a crash', async () => {
    const scan = await scanBuf(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]));
    expect(scan.unsupported).toMatch(/unsupported layer compression \(xz\)/);
  });

  it('reads zstd layers', async () => {
    // `tar -cf - etc | zstd -19 | base64` of etc/token.txt holding a GitHub-shaped token
    const zst = Buffer.from('KLUv/QRovQMAIoUSGHBvDoCI1CKiWr38FwmksVFoE2k4VEUXpwegfWLjGEMpkOlxiCMq3Pb4vaGvDiQZzX7PSZ0xKunK+pl91+nqtbVVx3s9M9QLS8sSIJAXFssB0CPyeO0Fo15g6LA90OcGWPA8CuMA2N+fKgAelrQxBRhP7g1pwAAj', 'base64');
    const scan = await scanBuf(zst);
    expect(scan.compression).toBe('zstd');
    expect(scan.errors).toEqual([]);
    expect(scan.secrets.map((s) => [s.path, s.kind])).toEqual([['/etc/token.txt', 'github-token']]);
    const corrupt = await scanBuf(Buffer.concat([zst.subarray(0, 20), Buffer.alloc(64, 1)]));
    expect(corrupt.errors).toHaveLength(1);
  });
});

describe('helpers', () => {
  it('normalizes entry paths', () => {
    expect(normalizeEntryPath('./a/b/')).toEqual({ path: '/a/b', traversal: false, absolute: false });
    expect(normalizeEntryPath('a/../../b')).toEqual({ path: '/b', traversal: true, absolute: false });
  });
  it('normalizes every combination of segments like the split-and-join reference', () => {
    const reference = (name: string) => {
      const out: string[] = [];
      let traversal = false;
      for (const part of name.split('/')) {
        if (part === '' || part === '.') continue;
        if (part === '..') {
          traversal = true;
          out.pop();
        } else out.push(part);
      }
      return { path: `/${out.join('/')}`, traversal, absolute: name.startsWith('/') };
    };
    const pieces = ['', 'a', '.', '..', '...', '.a', '..a', 'a.', 'bc'];
    const names = new Set<string>();
    for (const x of pieces) for (const y of pieces) for (const z of pieces) for (const sep of ['/', '//']) {
      names.add([x, y, z].join(sep));
      names.add(`${[x, y].join(sep)}/`);
      names.add(`/${[y, z].join(sep)}`);
    }
    for (const name of names) expect(normalizeEntryPath(name), JSON.stringify(name)).toEqual(reference(name));
  });
  it('tells links that climb above the root', () => {
    expect(escapesRoot('/a', '../b')).toBe(false);
    expect(escapesRoot('/a', '../../b')).toBe(true);
  });
  it('reads usable shadow hashes and empty passwords only', () => {
    expect(usableShadowHashes('root:$6$x:1::::::\nbin:*:1::::::\nlocked:!$6$y:1::::::\nempty::1::::::\n')).toEqual(['root', 'empty']);
  });
});

describe('big and strange layers', () => {
  /** A tar stream of `count` entries produced on the fly (never held in memory whole). */
  function streamedTar(entries: Iterable<{ name: string; size: number; fill?: number; mode?: number }>): Readable {
    const pack = tar.pack();
    (async () => {
      for (const e of entries) {
        const w = pack.entry({ name: e.name, size: e.size, mode: e.mode ?? 0o644 });
        const chunk = Buffer.alloc(Math.min(e.size, 1 << 20), e.fill ?? 0);
        for (let left = e.size; left > 0; left -= chunk.length) {
          const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
          if (!w.write(part)) await new Promise<void>((r) => w.once('drain', () => r()));
        }
        const finished = new Promise<void>((r) => w.once('finish', () => r()));
        w.end(Buffer.alloc(0));
        await finished;
      }
      pack.finalize();
    })().catch((err: unknown) => pack.destroy(err as Error));
    return Readable.from(pack as unknown as AsyncIterable<Buffer>);
  }

  it('100k tiny entries', async () => {
    const n = 100_000;
    const gen = function* () {
      for (let i = 0; i < n; i++) yield { name: `d${i % 1000}/f${i}`, size: 8, fill: 0x61 };
    };
    const scan = await scanFilesystemTar(streamedTar(gen()));
    expect(scan.errors).toEqual([]);
    expect(scan.entries).toHaveLength(n);
  }, 60_000);

  it('one 2 GiB entry: streamed through in bounded memory, scanned no further than maxFileSize', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    try {
      const size = 2 * 1024 * 1024 * 1024;
      const scan = await scanFilesystemTar(streamedTar([{ name: 'huge.img', size, fill: 0x20 }, { name: 'after.txt', size: 1 }]));
      expect(scan.errors).toEqual([]);
      expect(scan.entries.map((e) => [e.path, e.size])).toEqual([['/huge.img', size], ['/after.txt', 1]]);
      expect(scan.bytes).toBe(size + 1);
    } finally {
      clearInterval(timer);
    }
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);
  }, 120_000);

  it('non-UTF-8 entry names', async () => {
    const layer = Buffer.from(await makeTar([{ name: 'bad-XX.txt', content: 'x' }]));
    const at = layer.indexOf('XX');
    layer[at] = 0xff;
    layer[at + 1] = 0xfe;
    // fix the header checksum (sum of the header bytes, the checksum field counted as spaces)
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : layer[i]!;
    layer.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
    const scan = await scanBuf(layer);
    expect(scan.errors).toEqual([]);
    expect(scan.entries).toHaveLength(1);
    expect(scan.entries[0]?.path).toMatch(/^\/bad-.+\.txt$/);
  });

  it('modes are permission bits only: a header that carries the file type (0o100000) is read as 4755', async () => {
    const layer = Buffer.from(await makeTar([{ name: 'bin/x', content: 'x', mode: 0o4755 }]));
    layer.write('0104755\u0000', 100, 'latin1');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : layer[i]!;
    layer.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
    const scan = await scanBuf(layer);
    expect(scan.entries[0]?.mode).toBe(0o4755);
    expect(scan.specialFiles.map((f) => [f.path, f.mode])).toEqual([['/bin/x', 0o4755]]);
  });

  it('device nodes are IM014 anomalies, never world-writable paths; regular files and directories are', async () => {
    const scan = await scanBuf(
      await makeTar([
        { name: 'dev/null', type: 'character-device', mode: 0o666 },
        { name: 'dev/zero', type: 'character-device', mode: 0o666 },
        { name: 'srv/open.txt', content: 'x', mode: 0o666 },
        { name: 'srv/open2.txt', type: 'link', linkname: 'srv/open.txt', mode: 0o666 },
        { name: 'srv/drop/', type: 'directory', mode: 0o777 },
        { name: 'tmp/', type: 'directory', mode: 0o1777 },
      ]),
    );
    expect(scan.worldWritable.map((e) => [e.path, e.type])).toEqual([
      ['/srv/open.txt', 'file'],
      ['/srv/open2.txt', 'hardlink'],
      ['/srv/drop', 'directory'],
    ]);
    expect(scan.anomalies.map((a) => [a.kind, a.path])).toEqual([
      ['device-file', '/dev/null'],
      ['device-file', '/dev/zero'],
    ]);
  });

  it('hashes the regular files of program directories and setuid files, hard links through their target', async () => {
    const bash = Buffer.from('\u007fELF\u0000bash');
    const scan = await scanBuf(
      await makeTar([
        { name: 'usr/bin/bash', content: bash, mode: 0o755 },
        { name: 'usr/bin/rbash', type: 'link', linkname: 'usr/bin/bash' },
        { name: 'usr/bin/sh', type: 'symlink', linkname: 'bash' },
        { name: 'usr/share/doc/readme', content: 'not hashed' },
        { name: 'opt/pgsh', content: bash, mode: 0o4755 },
        { name: 'opt/pgsh2', type: 'link', linkname: 'opt/pgsh', mode: 0o4755 },
      ]),
    );
    expect(scan.hashedFiles).toEqual([
      { path: '/usr/bin/bash', sha256: sha256(bash) },
      { path: '/usr/bin/rbash', sha256: sha256(bash) },
      { path: '/opt/pgsh', sha256: sha256(bash) },
      { path: '/opt/pgsh2', sha256: sha256(bash) },
    ]);
    expect(scan.specialFiles.map((f) => [f.path, f.sha256])).toEqual([
      ['/opt/pgsh', sha256(bash)],
      ['/opt/pgsh2', sha256(bash)],
    ]);
  });

  it('a secret found in a file carries the sha256 of the whole file, small or read in windows', async () => {
    const small = `GH=${FAKE.github}\n`;
    const big = `${'const value = request.handler(options);\n'.repeat(40_000)}GH=${FAKE.github}\n`; // ~1.6 MB: windows
    const scan = await scanBuf(await makeTar([{ name: 'app/a.env', content: small }, { name: 'app/big.js', content: big }, { name: 'app/clean.txt', content: 'nothing here' }]));
    const byPath = new Map(scan.secrets.filter((s) => s.kind === 'github-token').map((s) => [s.path, s.fileSha256]));
    expect(byPath.get('/app/a.env')).toBe(sha256(small));
    expect(byPath.get('/app/big.js')).toBe(sha256(big));
    // cut at --max-file-size: the hash is still of the whole file
    const cut = await scanBuf(await makeTar([{ name: 'app/cut.env', content: `${small}${'x'.repeat(5000)}` }]), { maxFileSize: 1024 });
    expect(cut.secrets.find((s) => s.kind === 'github-token')?.fileSha256).toBe(sha256(`${small}${'x'.repeat(5000)}`));
  });

  it('a setuid hard link is reported as a special file', async () => {
    const scan = await scanBuf(await makeTar([{ name: 'bin/su', content: 'x', mode: 0o4755 }, { name: 'bin/su2', type: 'link', linkname: 'bin/su', mode: 0o4755 }]));
    expect(scan.specialFiles.map((f) => [f.path, f.type])).toEqual([
      ['/bin/su', 'file'],
      ['/bin/su2', 'hardlink'],
    ]);
  });
});

describe('scanFilesystemTar with files split across chunks', () => {
  /** The tar in `size`-byte chunks, so file contents arrive in pieces (as zlib's output does). */
  const inChunks = (b: Buffer, size: number) => Readable.from(Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)));

  it('finds the same secrets, lines and binary skips whatever the chunk size', async () => {
    const filler = 'const value = request.handler(options);\n'.repeat(600); // ~24 KB
    const binaryWithToken = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.alloc(20000, 0x41), Buffer.from(`GH=${FAKE.github}\n`)]);
    const lateNul = Buffer.concat([Buffer.from(`${filler.slice(0, 9000)}GH=${FAKE.github}\n`), Buffer.from([0])]);
    const layer = await makeTar([
      { name: 'a.ts', content: `${filler}GH=${FAKE.github}\n${filler}` },
      { name: 'b.bin', content: binaryWithToken },
      { name: 'c.env', content: `${filler}DB_PASSWORD=${FAKE.password}\n` },
      { name: 'd.txt', content: lateNul }, // a NUL past the first 8 KiB: text
      { name: 'e.ts', content: filler }, // after a joined file: nothing of it carried over
    ]);
    const expected = [
      ['/a.ts', 'github-token', 601],
      ['/c.env', 'generic-secret', 601],
      ['/d.txt', 'github-token', 226],
    ];
    for (const size of [100, 512, 4096, 10_000, 65_536, layer.length]) {
      const scan = await scanFilesystemTar(inChunks(layer, size));
      expect(scan.errors).toEqual([]);
      expect(scan.secrets.map((s) => [s.path, s.kind, s.line]), `chunks of ${size}`).toEqual(expected);
    }
  });

  it('finds a secret in a big file scanned in windows, split into small chunks', async () => {
    const line = 'let x = compute(a, b); // nothing here\n';
    const big = `${line.repeat(40_000)}TOKEN=${FAKE.github}\n${line.repeat(1000)}`; // ~1.6 MB: windows
    const layer = await makeTar([{ name: 'big.js', content: big }]);
    const scan = await scanFilesystemTar(inChunks(layer, 20_000));
    expect(scan.secrets.map((s) => [s.path, s.kind, s.start])).toEqual([['/big.js', 'github-token', big.indexOf('ghp_')]]);
  });
});

describe('scanFilesystemTar on streams cut anywhere', () => {
  it('always resolves, keeps the entries before the cut, and names the file being read', async () => {
    const layer = await makeTar([
      { name: 'a.env', content: `TOKEN=${FAKE.github}\n` },
      { name: 'dir/', type: 'directory' },
      { name: 'b.txt', content: 'b'.repeat(3000) },
      { name: 'c.env', content: `GH=${FAKE.github}\n` },
    ]);
    const whole = await scanBuf(layer);
    expect(whole.errors).toEqual([]);
    expect(whole.secrets.map((s) => s.path)).toEqual(['/a.env', '/c.env']);
    for (let cut = 1; cut < layer.length; cut += 97) {
      const scan = await scanFilesystemTar(Readable.from([layer.subarray(0, cut)]));
      const paths = scan.entries.map((e) => e.path);
      expect(['/a.env', '/dir', '/b.txt', '/c.env'].slice(0, paths.length), `cut at ${cut}`).toEqual(paths);
      // past the end-of-archive blocks' start nothing is missing; before it, the cut is an error
      if (paths.length < 4) expect(scan.errors, `cut at ${cut}`).toHaveLength(1);
      // a file cut short is not scanned (its secrets would be partial)
      for (const s of scan.secrets) expect(paths).toContain(s.path);
    }
    // inside b.txt's content: the error names it
    const inB = await scanFilesystemTar(Readable.from([layer.subarray(0, 2048 + 1000)]));
    expect(inB.errors).toEqual([{ message: expect.stringMatching(/truncated/), path: '/b.txt' }]);
  });

  it('resolves with an error when the source stream fails midway', async () => {
    const layer = await makeTar([{ name: 'a', content: 'a'.repeat(100_000) }]);
    const src = new Readable({ read() {} });
    src.push(layer.subarray(0, 20_000));
    setImmediate(() => src.destroy(new Error('disk read failed')));
    const scan = await scanFilesystemTar(src);
    expect(scan.errors).toHaveLength(1);
    expect(scan.entries.map((e) => e.path)).toEqual(['/a']);
  });
});
