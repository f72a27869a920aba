/** tap-required: opted-in pods without the tap are flagged; opt-outs, exclusions and controllers are not. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '#functions/admission/checks/fields.ts';
import { podViewOf } from '#functions/admission/checks/pod-view.ts';
import { tapRequired } from '#functions/admission/checks/tap-required.ts';

const params = tapRequired.params.parse({});
const judge = (object: KubeObject, namespace = 'shop', namespaceLabels: Record<string, string> = {}) => {
  const view = podViewOf(object);
  if (view === undefined) throw new Error('no view');
  return tapRequired.evaluate(view, params, { namespace, namespaceLabels });
};
const pod = (labels: Record<string, string>, containers = ['app'], extra: KubeObject = {}): KubeObject => ({
  kind: 'Pod',
  metadata: { labels },
  spec: { containers: containers.map((name) => ({ name })), ...extra },
});

describe('tapRequired', () => {
  it('flags a pod in an opted-in namespace without the tap', () => {
    const [issue] = judge(pod({}), 'shop', { 'meshward.io/inject': 'enabled' });
    expect(issue?.code).toBe('tap-missing');
    expect(issue?.path).toBe('spec.containers');
    expect(issue?.value).toBe('["app"]');
  });

  it('flags a pod that opted in by label, accepts it once tapped', () => {
    expect(judge(pod({ 'meshward.io/inject': 'true' }))).toHaveLength(1);
    expect(judge(pod({ 'meshward.io/inject': 'true' }, ['app', 'meshward-tap']))).toEqual([]);
  });

  it('leaves opted-out, host-network, excluded-namespace and not-opted-in pods alone', () => {
    const optedIn = { 'meshward.io/inject': 'enabled' };
    expect(judge(pod({ 'meshward.io/inject': 'false' }), 'shop', optedIn)).toEqual([]);
    expect(judge(pod({}, ['app'], { hostNetwork: true }), 'shop', optedIn)).toEqual([]);
    expect(judge(pod({}), 'kube-system', optedIn)).toEqual([]);
    expect(judge(pod({}))).toEqual([]);
  });

  it('does not judge controllers, whose pods are injected when created', () => {
    const deployment = { kind: 'Deployment', spec: { template: pod({ 'meshward.io/inject': 'true' }) } };
    expect(judge(deployment)).toEqual([]);
  });
});
