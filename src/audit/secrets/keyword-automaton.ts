/**
 * Aho-Corasick over bytes, ASCII case-folded, compiled to one transition table: one table
 * lookup per character finds every keyword at once. Measured on 65 MB of source and docs:
 * ~450-500 MB/s for 45 keywords, against ~190 MB/s for the same keywords as one
 * case-insensitive regex alternation (V8 tries each alternative at each position).
 */
export interface KeywordAutomaton {
  /** the keywords, lowercase; ids are indexes */
  readonly keywords: readonly string[];
  /**
   * Where each keyword occurs: id -> end offsets (exclusive), at most `cap` + 1 per keyword
   * (more than `cap` means "everywhere": callers scan the whole text). Text is read as
   * latin1/ASCII code units; bytes and their latin1 string give the same offsets.
   */
  positions(input: string | Uint8Array, cap: number): Map<number, number[]>;
}

/** Below this many bytes, one walk; above, two interleaved walks (see positions). */
const SPLIT_MIN = 1024;

export function compileKeywords(keywords: readonly string[]): KeywordAutomaton {
  const lower = keywords.map((k) => k.toLowerCase());
  const goto: Int32Array[] = [new Int32Array(256).fill(-1)];
  const out: number[][] = [[]];
  lower.forEach((k, id) => {
    let s = 0;
    for (let i = 0; i < k.length; i++) {
      const c = k.charCodeAt(i) & 0xff;
      if (goto[s]![c]! < 0) {
        goto[s]![c] = goto.length;
        goto.push(new Int32Array(256).fill(-1));
        out.push([]);
      }
      s = goto[s]![c]!;
    }
    out[s]!.push(id);
  });
  const n = goto.length;
  if (n > 0xffff) throw new Error('too many keyword states');
  const table = new Uint16Array(n * 256);
  const fail = new Int32Array(n);
  const queue: number[] = [];
  for (let c = 0; c < 256; c++) {
    const t = goto[0]![c]!;
    table[c] = t >= 0 ? t : 0;
    if (t >= 0) queue.push(t);
  }
  // breadth first: a state's failure target is complete before its children need it
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    out[s] = [...out[s]!, ...out[fail[s]!]!];
    for (let c = 0; c < 256; c++) {
      const t = goto[s]![c]!;
      if (t >= 0) {
        fail[t] = table[fail[s]! * 256 + c]!;
        table[s * 256 + c] = t;
        queue.push(t);
      } else {
        table[s * 256 + c] = table[fail[s]! * 256 + c]!;
      }
    }
  }
  // case-insensitive: an uppercase letter moves like its lowercase twin
  for (let s = 0; s < n; s++) for (let c = 65; c <= 90; c++) table[s * 256 + c] = table[s * 256 + c + 32]!;
  // The scan table: state s is stored premultiplied (s * 256, so the next index is one add),
  // and an accepting state as its bitwise complement (negative), so the inner loop does one
  // table load and one sign test per byte, with no second lookup for "is this accepting".
  const scan = new Int32Array(n * 256);
  for (let s = 0; s < n; s++) {
    for (let c = 0; c < 256; c++) {
      const t = table[s * 256 + c]!;
      scan[s * 256 + c] = out[t]!.length > 0 ? ~(t << 8) : t << 8;
    }
  }
  const maxLen = Math.max(1, ...lower.map((k) => k.length));
  const record = (found: Map<number, number[]>, state: number, end: number, cap: number) => {
    for (const id of out[state]!) {
      let list = found.get(id);
      if (!list) found.set(id, (list = []));
      if (list.length <= cap) list.push(end);
    }
  };
  return {
    keywords: lower,
    positions(input: string | Uint8Array, cap: number): Map<number, number[]> {
      const found = new Map<number, number[]>();
      let s = 0;
      // two loops, so each stays monomorphic (bytes are the fast path: no string needed)
      if (typeof input === 'string') {
        for (let i = 0; i < input.length; i++) {
          s = scan[s + (input.charCodeAt(i) & 0xff)]!;
          if (s < 0) {
            s = ~s;
            record(found, s >> 8, i + 1, cap);
          }
        }
      } else if (input.length < SPLIT_MIN) {
        const len = input.length;
        for (let i = 0; i < len; i++) {
          s = scan[s + input[i]!]!;
          if (s < 0) {
            s = ~s;
            record(found, s >> 8, i + 1, cap);
          }
        }
      } else {
        // Two walks in one loop, over the first half and over the second half (started
        // maxLen - 1 bytes early, so a keyword across the middle is found whole): each step
        // waits on its own previous table load, so the two chains overlap in the CPU. The
        // second walk records only ends past the middle, into its own map, appended after.
        const len = input.length;
        const mid = len >>> 1;
        const start2 = mid - (maxLen - 1);
        const later = new Map<number, number[]>();
        let t = 0;
        const n1 = mid;
        const n2 = len - start2; // >= n1
        let i = 0;
        for (; i < n1; i++) {
          s = scan[s + input[i]!]!;
          if (s < 0) {
            s = ~s;
            record(found, s >> 8, i + 1, cap);
          }
          t = scan[t + input[start2 + i]!]!;
          if (t < 0) {
            t = ~t;
            if (start2 + i + 1 > mid) record(later, t >> 8, start2 + i + 1, cap);
          }
        }
        for (; i < n2; i++) {
          t = scan[t + input[start2 + i]!]!;
          if (t < 0) {
            t = ~t;
            if (start2 + i + 1 > mid) record(later, t >> 8, start2 + i + 1, cap);
          }
        }
        for (const [id, ends] of later) {
          const list = found.get(id);
          if (!list) found.set(id, ends);
          else for (let k = 0; k < ends.length && list.length <= cap; k++) list.push(ends[k]!);
        }
      }
      return found;
    },
  };
}
