/** Services must not expose nodes (NodePort, LoadBalancer) or claim externalIPs (CVE-2020-8554). */
import { z } from 'zod';
import { type CheckIssue, defineObjectCheck } from './check.ts';
import { asObject, asStrings } from './fields.ts';

const params = z
  .object({
    forbiddenTypes: z
      .array(z.enum(['NodePort', 'LoadBalancer', 'ExternalName']))
      .default(['NodePort', 'LoadBalancer']),
    forbidExternalIPs: z.boolean().default(true),
  })
  .strict();

export const serviceType = defineObjectCheck({
  id: 'serviceType',
  summary: 'Services must not use NodePort, LoadBalancer or externalIPs',
  kinds: ['Service'],
  params,
  evaluate: (object, { forbiddenTypes, forbidExternalIPs }) => {
    const spec = asObject(object.spec);
    const issues: CheckIssue[] = [];
    const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
    if ((forbiddenTypes as readonly string[]).includes(type)) {
      issues.push({
        code: 'service-type',
        path: 'spec.type',
        message: `Service type ${type} exposes the workload outside the cluster network`,
        value: JSON.stringify(type),
        allowed: `any type but ${forbiddenTypes.join(', ')}`,
        fix: 'use a ClusterIP Service behind an Ingress or Gateway',
      });
    }
    const externalIPs = asStrings(spec.externalIPs);
    if (forbidExternalIPs && externalIPs.length > 0) {
      issues.push({
        code: 'external-ips',
        path: 'spec.externalIPs',
        message: 'Service sets externalIPs, which can intercept traffic to those addresses (CVE-2020-8554)',
        value: JSON.stringify(externalIPs),
        allowed: 'none',
        fix: 'remove spec.externalIPs; use a LoadBalancer or Ingress managed by the platform',
      });
    }
    return issues;
  },
});
