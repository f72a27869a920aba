import { describe, expect, it } from 'vitest';
import { ownerOfPod } from '#sidecar/identity/owner-of-pod.ts';

describe('ownerOfPod', () => {
  it.each([
    [
      'cart-7d9f8c6b5-x2k9p',
      { 'pod-template-hash': '7d9f8c6b5', app: 'cart' },
      { kind: 'ReplicaSet', name: 'cart-7d9f8c6b5' },
    ],
    [
      'redis-2',
      { 'statefulset.kubernetes.io/pod-name': 'redis-2', 'controller-revision-hash': 'redis-5f' },
      { kind: 'StatefulSet', name: 'redis' },
    ],
    [
      'node-agent-x7rvz',
      { 'pod-template-generation': '3', 'controller-revision-hash': '6c8b' },
      { kind: 'DaemonSet', name: 'node-agent' },
    ],
    [
      'backup-28934560-abcde',
      { 'batch.kubernetes.io/job-name': 'backup-28934560', 'job-name': 'backup-28934560' },
      { kind: 'Job', name: 'backup-28934560' },
    ],
  ])('%s → its controller', (name, labels, owner) => {
    expect(ownerOfPod(name, labels)).toEqual(owner);
  });

  it('says nothing when the labels do not tell (a bare pod, or a hash that does not match the name)', () => {
    expect(ownerOfPod('debug', { app: 'debug' })).toBeUndefined();
    expect(ownerOfPod('cart-abc-x2k9p', { 'pod-template-hash': '7d9f8c6b5' })).toBeUndefined();
  });
});
