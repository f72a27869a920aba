/** Workload resolution: owners, not pod names or IPs, so groups survive rollouts. */
import { describe, expect, it } from 'vitest';
import { workloadOfPod } from '#functions/learn/workload-of-pod.ts';
import { podRef } from '../platform/factories.ts';

describe('workload of pod', () => {
  it('strips the pod-template-hash of a ReplicaSet to name the Deployment', () => {
    const heartbeat = {
      owner: { kind: 'ReplicaSet', name: 'cart-v2-7d9c5b6f4d' },
      labels: { 'pod-template-hash': '7d9c5b6f4d' },
    };
    expect(workloadOfPod(podRef('cart-v2-7d9c5b6f4d-x2x9z'), heartbeat)).toEqual({
      namespace: 'shop',
      kind: 'Deployment',
      name: 'cart-v2',
    });
  });

  it('strips a generated suffix when the hash label is missing, but keeps real name parts', () => {
    expect(
      workloadOfPod(podRef('p'), { owner: { kind: 'ReplicaSet', name: 'productpage-v1-5b6dd7c9f8' } }).name,
    ).toBe('productpage-v1');
    expect(workloadOfPod(podRef('p'), { owner: { kind: 'ReplicaSet', name: 'api-backend' } }).name).toBe(
      'api-backend',
    );
  });

  it('keeps StatefulSet and DaemonSet names and maps a CronJob job to its CronJob', () => {
    expect(workloadOfPod(podRef('redis-0'), { owner: { kind: 'StatefulSet', name: 'redis' } })).toMatchObject(
      {
        kind: 'StatefulSet',
        name: 'redis',
      },
    );
    expect(workloadOfPod(podRef('x'), { owner: { kind: 'Job', name: 'backup-28901234' } })).toMatchObject({
      kind: 'CronJob',
      name: 'backup',
    });
    expect(workloadOfPod(podRef('x'), { owner: { kind: 'Job', name: 'migrate' } })).toMatchObject({
      kind: 'Job',
    });
  });

  it('guesses a Deployment from a pod name shaped like one, else the pod is its own group', () => {
    expect(workloadOfPod(podRef('reviews-v3-6b9c8d7f5c-zv4xk'), undefined)).toMatchObject({
      kind: 'Deployment',
      name: 'reviews-v3',
    });
    expect(workloadOfPod(podRef('debug'), undefined)).toMatchObject({ kind: 'Pod', name: 'debug' });
  });

  it('groups by a label when asked (Bookinfo reviews v1/v2/v3 → reviews)', () => {
    const hb = (v: string) => ({
      owner: { kind: 'ReplicaSet', name: `reviews-${v}-5c6d7f8b9c` },
      labels: { app: 'reviews', version: v, 'pod-template-hash': '5c6d7f8b9c' },
    });
    const names = ['v1', 'v2', 'v3'].map((v) => workloadOfPod(podRef(`reviews-${v}`), hb(v), 'app').name);
    expect(new Set(names)).toEqual(new Set(['reviews']));
    expect(workloadOfPod(podRef('x'), hb('v1')).name).toBe('reviews-v1');
  });
});
