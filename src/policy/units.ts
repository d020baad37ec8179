/**
 * Unit strings in policies -> Engine API numbers. Pure; callers have already checked the
 * strings against the schema's patterns, so these only throw on values the schema cannot bound.
 */

const SIZE = /^([0-9]+)([kmg])$/;
const SIZE_FACTORS = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as const;

/** "64k" | "256m" | "1g" -> bytes (binary multiples, as docker's --memory). 0 / "0" -> 0. */
export function parseSize(value: string | number): number {
  if (value === 0 || value === '0') return 0;
  const m = typeof value === 'string' ? SIZE.exec(value) : null;
  if (!m) throw new RangeError(`not a size: ${JSON.stringify(value)} (expected e.g. 64k, 256m, 1g)`);
  const bytes = Number(m[1]) * SIZE_FACTORS[m[2] as keyof typeof SIZE_FACTORS];
  if (!Number.isSafeInteger(bytes)) throw new RangeError(`size too large: ${value}`);
  return bytes;
}

const CPU_DECIMAL = /^([0-9]+)(?:\.([0-9]{1,3}))?$/;
const CPU_MILLI = /^([0-9]+)m$/;

/** "0.5" | 0.5 | "500m" -> nano-CPUs (1e9 = one CPU). Integer arithmetic, so "0.1" is exactly 1e8. */
export function parseCpu(value: string | number): number {
  const text = typeof value === 'number' ? String(value) : value;
  let milli: number;
  const dec = CPU_DECIMAL.exec(text);
  const mil = CPU_MILLI.exec(text);
  if (dec) milli = Number(dec[1]) * 1000 + Number((dec[2] ?? '').padEnd(3, '0'));
  else if (mil) milli = Number(mil[1]);
  else throw new RangeError(`not a CPU amount: ${JSON.stringify(value)} (expected e.g. 0.5, 2 or 500m)`);
  if (milli <= 0) throw new RangeError(`CPU amount must be above 0: ${JSON.stringify(value)}`);
  return milli * 1_000_000;
}

/** bytes -> the shortest exact size string (for messages and `policy show`). */
export function formatSize(bytes: number): string {
  for (const [unit, factor] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return `${bytes}`;
}
