import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActionTarget } from '#functions/respond/action-target.ts';
import { actions } from '#functions/respond/actions/index.ts';
import { responseFinding, threat } from '../findings.ts';
import { ownedPod } from '../kube-fixtures.ts';

const label = fc.string({ maxLength: 20 });
const podArb = fc.record({
  labels: fc.dictionary(label, label, { maxKeys: 6 }),
  annotations: fc.dictionary(label, fc.string({ maxLength: 200 }), { maxKeys: 6 }),
  owner: fc.constantFrom(undefined, 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'),
  quarantined: fc.boolean(),
});

type PodSpec = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

const targetOf = (spec: PodSpec | undefined, reason: string): ActionTarget => {
  const base = {
    actor: 'rule:x',
    reason,
    now: '2026-11-26T12:00:00.000Z',
    finding: responseFinding(threat()),
  };
  if (spec === undefined) return base;
  const pod = ownedPod('p', spec.owner === undefined ? undefined : { kind: spec.owner, name: 'o' });
  const labels = { ...spec.labels, ...(spec.quarantined ? { 'meshward.io/quarantine': 'true' } : {}) };
  return {
    ...base,
    pod: { namespace: 'shop', name: 'p' },
    podState: {
      pod: {
        ...pod,
        metadata: { ...pod.metadata, labels, annotations: spec.annotations, resourceVersion: '7', uid: 'u' },
      },
      otherQuarantined: [],
    },
  };
};

const validParams: Record<string, unknown> = {
  'notify-slack': { channel: '#x' },
  'set-mode': { mode: 'monitor' },
  webhook: { url: 'https://hooks.example/x' },
};

describe.each(actions.map((action) => [action.id, action] as const))('action %s', (id, action) => {
  it('declares itself: a description, permissions with verbs, parameters that parse', () => {
    expect(action.description.length).toBeGreaterThan(0);
    for (const permission of action.permissions) expect(permission.verbs.length).toBeGreaterThan(0);
    expect(action.params.safeParse(validParams[id] ?? {}).success).toBe(true);
  });

  it('plans without throwing for any pod state, and the same input gives the same plan', () => {
    const params = action.params.parse(validParams[id] ?? {});
    fc.assert(
      fc.property(fc.option(podArb, { nil: undefined }), fc.string({ maxLength: 600 }), (spec, reason) => {
        const first = action.plan(targetOf(spec, reason), params);
        expect(action.plan(targetOf(spec, reason), params)).toEqual(first);
        for (const change of first) expect(change.summary.length).toBeGreaterThan(0);
      }),
      { numRuns: 80 },
    );
  });
});
