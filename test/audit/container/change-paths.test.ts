import { describe, expect, it } from 'vitest';
import { planArchiveRequests } from '../../../src/audit/container/change-paths.js';
import type { ContainerMount } from '../../../src/audit/container/facts.js';

const bind = (destination: string): ContainerMount => ({ type: 'bind', source: '/host', destination, rw: true, propagation: '' });

describe('planArchiveRequests', () => {
  it('fetches an added directory once, and modified leaves only', () => {
    const { requests } = planArchiveRequests(
      [
        { Path: '/opt', Kind: 0 },
        { Path: '/opt/evil', Kind: 1 },
        { Path: '/opt/evil/x', Kind: 1 },
        { Path: '/opt/evil/y', Kind: 1 },
        { Path: '/etc', Kind: 0 },
        { Path: '/etc/passwd', Kind: 0 },
        { Path: '/gone', Kind: 2 },
      ],
      [],
    );
    expect(requests).toEqual([
      { path: '/etc/passwd', origin: 'modified' },
      { path: '/opt/evil', origin: 'added' },
    ]);
  });

  it('never reads through a mount (the engine lists mount points as added)', () => {
    const { requests } = planArchiveRequests(
      [
        { Path: '/var', Kind: 1 },
        { Path: '/var/run', Kind: 1 },
        { Path: '/var/run/docker.sock', Kind: 1 },
        { Path: '/var/cache', Kind: 1 },
        { Path: '/host', Kind: 1 },
        { Path: '/host/etc', Kind: 1 },
      ],
      [bind('/var/run/docker.sock'), bind('/host')],
    );
    expect(requests).toEqual([{ path: '/var/cache', origin: 'added' }]);
  });

  it('caps the number of requests and says how many were left', () => {
    const changes = Array.from({ length: 300 }, (_, i) => ({ Path: `/f${String(i).padStart(3, '0')}`, Kind: 1 as const }));
    const { requests, skipped } = planArchiveRequests(changes, []);
    expect(requests).toHaveLength(256);
    expect(skipped).toBe(44);
  });
});
