import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listBuiltinPolicies } from '../../src/policy/load.js';
import { SYSCALL_GROUPS } from '../../src/profiles/data/syscall-groups.js';

const policiesDoc = readFileSync(new URL('../../docs/policies.md', import.meta.url), 'utf8');
const profilesDoc = readFileSync(new URL('../../docs/profiles.md', import.meta.url), 'utf8');
const schema = JSON.parse(readFileSync(new URL('../../schemas/policy.schema.json', import.meta.url), 'utf8')) as SchemaNode;

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/** Every property path the schema defines, e.g. securityContext.capabilities.add. */
function schemaPaths(node: SchemaNode, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${k}` : k;
    out.push(path, ...schemaPaths(child, path));
    if (child.items) out.push(...schemaPaths(child.items, path));
  }
  return out;
}

describe('docs stay in step with the code', () => {
  it('docs/policies.md mentions every field of the schema', () => {
    // a field counts as documented when its last segment appears in code font
    const missing = schemaPaths(schema).filter((p) => !policiesDoc.includes(p.split('.').pop()!));
    expect(missing).toEqual([]);
  });

  it('docs/policies.md describes every built-in policy', () => {
    for (const name of listBuiltinPolicies()) expect(policiesDoc).toContain(`\`${name}\``);
  });

  it('docs/policies.md names real groups for each workload, and the one that holds shmget for postgres', () => {
    const section = policiesDoc.slice(policiesDoc.indexOf('### Seccomp groups by workload'), policiesDoc.indexOf('## Merging'));
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| workload') && !l.startsWith('|---'));
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      const group = /^\| [^|]+ \| `([a-z-]+)`/.exec(row)?.[1];
      expect(group !== undefined && group in SYSCALL_GROUPS, row).toBe(true);
    }
    const shm = Object.entries(SYSCALL_GROUPS).find(([, g]) => (g.syscalls as readonly string[]).includes('shmget'))?.[0];
    expect(rows.find((r) => r.startsWith('| PostgreSQL'))).toContain(`\`${shm}\``);
  });

  it('docs/profiles.md lists every syscall group', () => {
    const missing = Object.keys(SYSCALL_GROUPS).filter((g) => !profilesDoc.includes(`| \`${g}\` |`));
    expect(missing).toEqual([]);
  });
});
