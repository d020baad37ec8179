import { describe, expect, it } from 'vitest';
import { compileKeywords } from '../../../src/audit/secrets/keyword-automaton.js';
import { HIT_CAPACITY, instantiateWalk, walkModuleBytes } from '../../../src/audit/secrets/wasm-walk.js';
import { SECRET_RULES } from '../../../src/audit/secrets/index.js';

const KEYWORDS = [...new Set(SECRET_RULES.flatMap((r) => [...r.keywords, ...(r.companions ?? [])]))];
const viaWasm = compileKeywords(KEYWORDS);
const viaJs = compileKeywords(KEYWORDS, { wasm: false });
const sorted = (m: Map<number, number[]>) => [...m].sort((a, b) => a[0] - b[0]);

/** Deterministic bytes: text with keywords (any case) sprinkled in, and now and then non-ASCII. */
function sample(seed: number, length: number): Buffer {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; ) {
    if (rand() < 0.05) {
      let k = KEYWORDS[Math.floor(rand() * KEYWORDS.length)]!;
      if (rand() < 0.3) k = k.toUpperCase();
      i += out.write(k.slice(0, length - i), i, 'latin1');
    } else {
      out[i++] = rand() < 0.02 ? Math.floor(rand() * 256) : 32 + Math.floor(rand() * 95);
    }
  }
  return out;
}

describe('the WebAssembly keyword walk', () => {
  it('is a valid module and instantiates here', () => {
    const wasm = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
    expect(wasm.validate(walkModuleBytes())).toBe(true);
    expect(instantiateWalk()).toBeDefined();
  });

  it('finds exactly what the JavaScript walk finds, for every input size around the split', () => {
    for (const length of [0, 1, 5, 100, 1023, 1024, 1025, 4096, 70_001, 1 << 20]) {
      for (const seed of [1, 2, 3]) {
        const bytes = sample(seed * 7919 + length, length);
        expect(sorted(viaWasm.positions(bytes, 4096)), `length ${length} seed ${seed}`).toEqual(sorted(viaJs.positions(bytes, 4096)));
      }
    }
  });

  it('finds a keyword that straddles the middle of the input once', () => {
    const text = Buffer.from(`${'.'.repeat(2046)}password${'.'.repeat(2046)}`, 'latin1');
    const id = viaJs.keywords.indexOf('password');
    expect(viaWasm.positions(text, 10).get(id)).toEqual([2054]);
  });

  it('resumes after a full hit area (more hits than one batch holds), with the cap', () => {
    const bytes = Buffer.from('eyj_'.repeat(HIT_CAPACITY * 3), 'latin1');
    const id = viaJs.keywords.indexOf('eyj');
    expect(viaWasm.positions(bytes, 1e9).get(id)).toHaveLength(HIT_CAPACITY * 3);
    expect(sorted(viaWasm.positions(bytes, 4096))).toEqual(sorted(viaJs.positions(bytes, 4096)));
    expect(viaWasm.positions(bytes, 5).get(id)).toHaveLength(6);
  });

  it('grows for a big input and still answers small ones after it', () => {
    const big = sample(99, 5 << 20);
    expect(sorted(viaWasm.positions(big, 4096))).toEqual(sorted(viaJs.positions(big, 4096)));
    const small = Buffer.from('x api_key=1', 'latin1');
    expect(sorted(viaWasm.positions(small, 10))).toEqual(sorted(viaJs.positions(small, 10)));
  });
});

describe('keywords longer than half the input', () => {
  it('are found by one walk, in both engines', () => {
    const long = 'k'.repeat(700);
    const viaW = compileKeywords([long, 'kk']);
    const viaJ = compileKeywords([long, 'kk'], { wasm: false });
    const text = Buffer.from(`x${long}y`.padEnd(1100, '.'), 'latin1');
    expect(viaW.positions(text, 2000).get(0)).toEqual([701]);
    expect(sorted(viaW.positions(text, 2000))).toEqual(sorted(viaJ.positions(text, 2000)));
  });
});
