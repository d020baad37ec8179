/**
 * The keyword automaton's inner loop as WebAssembly: ~2.5x the JavaScript walk's speed on
 * the image bench's text (~1,000 against ~400-470 MB/s), because the loop has no typed-array
 * bounds checks and fewer instructions per byte between the dependent table loads.
 *
 * The module is assembled here, at load time, from the instructions below (a few hundred
 * bytes): no .wasm file, no toolchain and no build step, so there is nothing to drift from
 * its source. test/audit/secrets/wasm-walk.test.ts checks it against the JavaScript walk.
 *
 * Memory layout (one linear memory per automaton; addresses in bytes):
 *   [0, tableBytes)    the transition table: i32 per (state, byte), the next state as its
 *                      byte offset (state * 1024), accepting states as its complement (< 0)
 *   header (32 bytes)  where a walk stopped: positions, states, hit pointers
 *   hits A, hits B     (end address, state offset) pairs, HIT_CAPACITY each
 *   input              the bytes walked
 */

/** Hits one call records per walk before it returns to be drained (8 bytes each). */
export const HIT_CAPACITY = 8192;
/** Bytes per state row in the table (256 x i32). */
export const ROW_BYTES = 1024;

// ---- a minimal WebAssembly encoder: just what the two functions need --------------------------
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((ch) => [ch.charCodeAt(0)]));

const I32 = 0x7f;
const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  brIf: 0x0d,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  load: 0x28,
  load8u: 0x2d,
  store: 0x36,
  const: 0x41,
  ltS: 0x48,
  ltU: 0x49,
  geU: 0x4f,
  add: 0x6a,
  or: 0x72,
  xor: 0x73,
  shl: 0x74,
} as const;
const VOID = 0x40;
const get = (l: number) => [OP.get, l];
const set = (l: number) => [OP.set, l];
const i32 = (n: number) => [OP.const, ...sleb(n)];
const load8u = [OP.load8u, 0, 0];
const load32 = [OP.load, 2, 0];
const store32 = (offset: number) => [OP.store, 2, offset];
const inc = (l: number, by: number) => [...get(l), ...i32(by), OP.add, ...set(l)];

/**
 * One automaton step on local `state` at address `pos`: state = table[state + byte * 4]; on an
 * accepting state (negative), complement it and record (pos + 1, state) at `hits`.
 */
function step(state: number, pos: number, hits: number): number[] {
  return [
    ...get(state), ...get(pos), ...load8u, ...i32(2), OP.shl, OP.add, ...load32,
    OP.tee, state, ...i32(0), OP.ltS,
    OP.if, VOID,
    ...get(state), ...i32(-1), OP.xor, ...set(state),
    ...get(hits), ...get(pos), ...i32(1), OP.add, ...store32(0),
    ...get(hits), ...get(state), ...store32(4),
    ...inc(hits, 8),
    OP.end,
  ];
}

/**
 * walk2(i, end, j, s, t, hitsA, hitsAEnd, hitsB, hitsBEnd, header): two walks in one loop, A
 * over [i, end) from state s and B from j (same length) from state t; stops early when either
 * hit area is full. Writes i, j, s, t, hitsA, hitsB to header[0..24).
 */
function walk2Body(): number[] {
  const [i, end, j, s, t, ha, haEnd, hb, hbEnd, hdr] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  return [
    OP.block, VOID,
    ...get(i), ...get(end), OP.geU, OP.brIf, 0,
    OP.loop, VOID,
    ...step(s, i, ha),
    ...step(t, j, hb),
    ...inc(i, 1), ...inc(j, 1),
    ...get(ha), ...get(haEnd), OP.geU, ...get(hb), ...get(hbEnd), OP.geU, OP.or, OP.brIf, 1,
    ...get(i), ...get(end), OP.ltU, OP.brIf, 0,
    OP.end,
    OP.end,
    ...get(hdr), ...get(i), ...store32(0),
    ...get(hdr), ...get(j), ...store32(4),
    ...get(hdr), ...get(s), ...store32(8),
    ...get(hdr), ...get(t), ...store32(12),
    ...get(hdr), ...get(ha), ...store32(16),
    ...get(hdr), ...get(hb), ...store32(20),
    OP.end,
  ];
}

/** walk1(i, end, s, hits, hitsEnd, header): one walk; writes i, s, hits to header[0], [8], [16]. */
function walk1Body(): number[] {
  const [i, end, s, h, hEnd, hdr] = [0, 1, 2, 3, 4, 5];
  return [
    OP.block, VOID,
    ...get(i), ...get(end), OP.geU, OP.brIf, 0,
    OP.loop, VOID,
    ...step(s, i, h),
    ...inc(i, 1),
    ...get(h), ...get(hEnd), OP.geU, OP.brIf, 1,
    ...get(i), ...get(end), OP.ltU, OP.brIf, 0,
    OP.end,
    OP.end,
    ...get(hdr), ...get(i), ...store32(0),
    ...get(hdr), ...get(s), ...store32(8),
    ...get(hdr), ...get(h), ...store32(16),
    OP.end,
  ];
}

/** The module's bytes: exports `walk2`, `walk1` and `memory` (1 page to start; grown by the caller). */
export function walkModuleBytes(): Uint8Array {
  const code = (body: number[]) => {
    const b = [0x00 /* no locals beyond the params */, ...body];
    return [...uleb(b.length), ...b];
  };
  const fnType = (params: number) => [0x60, ...vec(Array.from({ length: params }, () => [I32])), 0x00];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([fnType(10), fnType(6)])),
    ...section(3, vec([[0], [1]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...name('walk2'), 0x00, 0], [...name('walk1'), 0x00, 1], [...name('memory'), 0x02, 0]])),
    ...section(10, vec([code(walk2Body()), code(walk1Body())])),
  ]);
}

/** The linear memory, as far as the walker uses it. */
export interface WalkMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface WalkExports {
  walk2: (i: number, end: number, j: number, s: number, t: number, ha: number, haEnd: number, hb: number, hbEnd: number, hdr: number) => void;
  walk1: (i: number, end: number, s: number, h: number, hEnd: number, hdr: number) => void;
  memory: WalkMemory;
}

/** The part of the WebAssembly global used here (the project's lib settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | null | undefined;

/** A fresh instance (its own memory), or undefined where WebAssembly is unavailable. */
export function instantiateWalk(): WalkExports | undefined {
  if (compiled === undefined) {
    try {
      compiled = wasmApi ? new wasmApi.Module(walkModuleBytes()) : null;
    } catch {
      compiled = null; // e.g. --jitless: the JavaScript walk does the same work
    }
  }
  if (compiled === null || !wasmApi) return undefined;
  try {
    return new wasmApi.Instance(compiled).exports as WalkExports;
  } catch {
    return undefined;
  }
}
