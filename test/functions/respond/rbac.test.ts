import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { peerLookupPermissions } from '#functions/learn/peer-lookup-permissions.ts';
import type { Permission } from '#functions/respond/action.ts';
import { actions } from '#functions/respond/actions/index.ts';
import { quarantinePolicy } from '#functions/respond/quarantine-policy.ts';

type RbacRule = { apiGroups: string[]; resources: string[]; verbs: string[] };
type Doc = {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: RbacRule[];
  [key: string]: unknown;
};

const documents = (path: string): Doc[] =>
  parseAllDocuments(readFileSync(path, 'utf8')).map((document) => document.toJS() as Doc);

const grantsOf = (rules: readonly RbacRule[]): string[] =>
  [
    ...new Set(
      rules.flatMap((rule) =>
        rule.apiGroups.flatMap((group) =>
          rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${group}/${resource}:${verb}`)),
        ),
      ),
    ),
  ].sort();

const grantsDeclared = (permissions: readonly Permission[]): string[] =>
  [
    ...new Set(permissions.flatMap((p) => p.verbs.map((verb) => `${p.apiGroup}/${p.resource}:${verb}`))),
  ].sort();

const declared = (): string[] => grantsDeclared(actions.flatMap((action) => action.permissions));

describe('infra/k8s/rbac.yaml', () => {
  const docs = documents('infra/k8s/rbac.yaml');
  const role = docs.find((doc) => doc.kind === 'ClusterRole' && doc.metadata.name === 'meshward-respond');
  const learnRole = docs.find((doc) => doc.kind === 'ClusterRole' && doc.metadata.name === 'meshward-learn');

  it('grants exactly the union of the permissions the actions declare', () => {
    expect(declared()).toEqual([
      '/events:create',
      '/pods:get',
      '/pods:list',
      '/pods:patch',
      'networking.k8s.io/networkpolicies:create',
      'networking.k8s.io/networkpolicies:delete',
      'networking.k8s.io/networkpolicies:get',
    ]);
    expect(grantsOf(role?.rules ?? [])).toEqual(declared());
  });

  it("grants learn's peer lookups exactly what they declare: list pods and Services, nothing else", () => {
    expect(grantsDeclared(peerLookupPermissions)).toEqual(['/pods:list', '/services:list']);
    expect(grantsOf(learnRole?.rules ?? [])).toEqual(grantsDeclared(peerLookupPermissions));
  });

  it('uses no wildcards and has only these two roles', () => {
    const roles = docs.filter((doc) => doc.kind === 'ClusterRole' || doc.kind === 'Role');
    expect(roles.map((r) => r.metadata.name).sort()).toEqual(['meshward-learn', 'meshward-respond']);
    expect(JSON.stringify(roles.map((r) => r.rules))).not.toContain('*');
  });

  it('binds each role to the meshward service account', () => {
    const bindings = docs.filter((doc) => doc.kind === 'ClusterRoleBinding');
    expect(bindings.map((b) => (b.roleRef as { name: string }).name).sort()).toEqual([
      'meshward-learn',
      'meshward-respond',
    ]);
    for (const binding of bindings)
      expect(binding).toMatchObject({
        roleRef: { kind: 'ClusterRole' },
        subjects: [{ kind: 'ServiceAccount', name: 'meshward', namespace: 'meshward' }],
      });
    expect(docs.find((doc) => doc.kind === 'ServiceAccount')?.metadata).toMatchObject({
      name: 'meshward',
      namespace: 'meshward',
    });
  });
});

describe('infra/k8s/quarantine-networkpolicy.yaml', () => {
  it('is the policy quarantine-pod creates', () => {
    const [policy] = documents('infra/k8s/quarantine-networkpolicy.yaml');
    expect(policy).toEqual(quarantinePolicy('default', { namespace: 'meshward', port: 8443 }));
  });
});
