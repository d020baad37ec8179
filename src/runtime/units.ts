import { BulkheadError } from '../errors.js';

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `--memory 128m` style sizes (docker's units: b, k, m, g; binary multiples). */
export function parseSize(flag: string, text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([bkmg]?)(?:i?b)?$/i.exec(text.trim());
  const unit = m?.[2]?.toLowerCase() ?? '';
  if (!m || !m[1] || !(unit in SIZE_UNITS)) {
    throw new BulkheadError('usage', `${flag} ${text}: not a size (expected a number with an optional b, k, m or g suffix, e.g. 128m)`);
  }
  const bytes = Math.floor(Number(m[1]) * (SIZE_UNITS[unit] ?? 1));
  if (bytes <= 0) throw new BulkheadError('usage', `${flag} ${text}: must be greater than zero`);
  return bytes;
}

/** `--cpus 0.5` -> nano-CPUs, like the Engine API's NanoCpus. */
export function parseCpus(flag: string, text: string): number {
  if (!/^[0-9]+(?:\.[0-9]+)?$/.test(text.trim()) || Number(text) <= 0) {
    throw new BulkheadError('usage', `${flag} ${text}: not a CPU count (expected a positive number, e.g. 0.5)`);
  }
  return Math.round(Number(text) * 1e9);
}

export function parsePositiveInt(flag: string, text: string): number {
  if (!/^[0-9]+$/.test(text.trim()) || Number(text) <= 0) {
    throw new BulkheadError('usage', `${flag} ${text}: expected a positive whole number`);
  }
  return Number(text);
}

/** 268435456 -> "256m": the shortest exact docker-style size, for messages and docker argv. */
export function formatSize(bytes: number): string {
  for (const [unit, mult] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) {
    if (bytes >= mult && bytes % mult === 0) return `${bytes / mult}${unit}`;
  }
  return `${bytes}b`;
}

/** 500000000 -> "0.5" */
export function formatCpus(nanoCpus: number): string {
  return String(nanoCpus / 1e9);
}
