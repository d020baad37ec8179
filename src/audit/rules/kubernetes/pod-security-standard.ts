import type { Rule } from '../rule.js';
import { checkPss } from '../../k8s/pss.js';
import { PSS_SOURCE } from '../../k8s/pss-controls.js';
import { workloadName, type K8sRuleFacts } from './_facts.js';

export const podSecurityStandard: Rule<K8sRuleFacts> = {
  meta: {
    id: 'KS009',
    slug: 'pod-security-standard',
    target: 'kubernetes',
    severity: 'high',
    title: 'Violates the Pod Security Standard (--pss)',
    rationale:
      'With --pss baseline or --pss restricted every field that the chosen Pod Security Standard level forbids is reported, control by control, as the upstream definitions list them: a namespace labelled pod-security.kubernetes.io/enforce with that level would reject the pod. Baseline controls are high, controls only the restricted level adds are medium.',
    fix: 'Change each reported field to one of the values the control allows (shown in the message), e.g. allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile RuntimeDefault, capabilities.drop [ALL]; `bulkhead policy export --to kubernetes` writes a restricted-compliant securityContext.',
    references: [PSS_SOURCE],
    example: { bad: 'bulkhead audit k8s --pss restricted deploy.yaml   # with hostNetwork: true', good: 'spec:\n  hostNetwork: false' },
  },
  check: (f) =>
    f.pss === undefined
      ? []
      : checkPss(f, f.pss).map((v) => ({
          message: `${workloadName(f)} violates PSS ${v.control.level} "${v.control.name}": ${v.field} is ${v.value} (allowed: ${v.control.allowed.join(', ')})`,
          location: v.loc,
          ...(v.control.level === 'restricted' ? { severity: 'medium' as const } : {}),
          key: `${v.control.name}:${v.field}`,
        })),
};
