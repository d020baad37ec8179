import { it } from 'vitest';
import { auditCompose } from '../../../src/audit/compose/audit.js';
it('smoke', () => {
  const t = auditCompose(['compose.yaml', 'compose.prod.yaml'], { cwd: 'test/fixtures/compose/webapp', env: {}, profiles: [] });
  for (const x of t) { console.log(x.name, JSON.stringify(x.errors)); for (const f of x.findings) console.log(' ', f.ruleId, f.severity, f.message, JSON.stringify(f.location)); }
});
