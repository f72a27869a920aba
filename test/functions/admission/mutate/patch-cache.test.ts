/** The patch cache: a kept patch is exactly the one built afresh for the pod, over generated and mutated pods. */
import { describe, expect, it } from 'vitest';
import type { Config } from '#core/config.ts';
import { buildInjectionPatch } from '#functions/admission/mutate/build-patch.ts';
import { injectionPatch, patchKey } from '#functions/admission/mutate/patch-cache.ts';
import { patchJson } from '#functions/admission/mutate/patch-json.ts';
import { isPodView, type PodView } from '#functions/admission/mutate/pod-view.ts';
import { loadReview, testConfig } from '#test/helpers/admission-fixtures.ts';
import { mutationsOf, oddValues } from '#test/helpers/admission-mutations.ts';

const configs = (): Config[] => [
  testConfig(),
  testConfig({ inject: { egressPort: 8443 } }),
  testConfig({ inject: { kubernetesMinor: 28, egressPort: 15001 } }),
  testConfig({ inject: { caBundle: '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n' } }),
];

/** The patch built afresh, or the error it fails with. */
const fresh = (pod: PodView, config: Config): string => {
  try {
    return Buffer.from(patchJson(buildInjectionPatch(pod, config))).toString('base64');
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
};

const cached = (pod: PodView, config: Config): string => {
  try {
    return injectionPatch(pod, config);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
};

/** A small seeded generator (mulberry32), so a failure names a pod that can be made again. */
const random = (seed: number) => {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const some = <T>(items: readonly T[], max: number): T[] =>
    Array.from({ length: Math.floor(next() * (max + 1)) }, () => pick(items));
  return { next, pick, some };
};

const initNames = [
  'istio-init',
  'istio-validation',
  'istio-proxy',
  'linkerd-init',
  'linkerd-network-validator',
  'linkerd-proxy',
  'migrate-db',
  'wait-for-db',
  'meshward-tap',
];
const volumeNames = ['tmp', 'data', 'kube-api-access-x7k2p', 'kube-api-access-q9z4m', 'meshward-token'];
const annotationKeys = [
  'meshward.io/status',
  'traffic.sidecar.istio.io/excludeOutboundPorts',
  'config.linkerd.io/skip-outbound-ports',
  'sidecar.istio.io/status',
  'kubectl.kubernetes.io/restartedAt',
];
const annotationValues = [
  '',
  '8443',
  '15001',
  '15020',
  '15020,8443',
  ' 8443 , 15020',
  'x,,y',
  '4222,6222',
  '{}',
];

/** Pods that vary in everything the patch could read, and in names and uids, which it must not. */
const generatedPods = (count: number, seed: number): PodView[] => {
  const { next, pick, some } = random(seed);
  const named = (names: string[]) => names.map((name) => ({ name, image: `${name}:1` }));
  return Array.from({ length: count }, (_, index) => {
    const annotations =
      next() < 0.2
        ? undefined
        : Object.fromEntries(some(annotationKeys, 4).map((key) => [key, pick(annotationValues)]));
    return {
      metadata: {
        ...(next() < 0.5 ? { name: `pod-${index}` } : { generateName: 'web-7d9c-' }),
        namespace: pick(['default', 'shop']),
        labels: { app: pick(['web', 'api']), 'pod-template-hash': String(index % 7) },
        ...(annotations === undefined ? {} : { annotations }),
      },
      spec: {
        containers: named(['app', ...some(['istio-proxy', 'linkerd-proxy', 'meshward-tap'], 1)]),
        ...(next() < 0.3 ? {} : { initContainers: named(some(initNames, 4)) }),
        ...(next() < 0.2 ? {} : { volumes: named(some(volumeNames, 4)) }),
        ...(next() < 0.1 ? { hostNetwork: true } : {}),
      },
    };
  });
};

describe('injectionPatch', () => {
  it('gives the patch built afresh for every generated pod, under every configuration', () => {
    for (const config of configs()) {
      const pods = generatedPods(3000, 7);
      const keys = new Set(pods.map((pod) => patchKey(pod, config)));
      // Most pods share their key with another: the cache is really used.
      expect(keys.size).toBeLessThan(pods.length / 4);
      for (const [index, pod] of pods.entries())
        expect(cached(pod, config), `pod ${index}`).toBe(fresh(pod, config));
    }
  });

  it('gives one patch to pods with one key, whichever pod came first', () => {
    const config = testConfig({ inject: { egressPort: 8443 } });
    const byKey = new Map<string, string>();
    for (const pod of generatedPods(3000, 11)) {
      const key = patchKey(pod, config);
      if (key === undefined) continue;
      const patch = fresh(pod, config);
      expect(byKey.get(key) ?? patch, key).toBe(patch);
      byKey.set(key, patch);
    }
  });

  it('agrees with the fresh patch for fixture pods with any field changed to any value', () => {
    const config = testConfig({ inject: { egressPort: 8443 } });
    for (const fixture of ['istio-pod', 'deployment-pod', 'linkerd-pod', 'istio-native-pod', 'bare-pod']) {
      for (const variant of mutationsOf(loadReview(fixture).request.object, oddValues)) {
        if (!isPodView(variant)) continue;
        expect(cached(variant, config), fixture).toBe(fresh(variant, config));
      }
    }
  });

  it('never keeps a patch for a pod whose volume clashes with the tap', () => {
    const config = testConfig();
    const pod = generatedPods(1, 3)[0] as PodView;
    const clean = { ...pod, spec: { ...pod.spec, volumes: [{ name: 'tmp' }] } };
    const clashing = {
      ...pod,
      spec: { ...pod.spec, volumes: [{ name: 'tmp' }, { name: 'meshward-scratch' }] },
    };
    expect(cached(clean, config)).toBe(fresh(clean, config));
    expect(patchKey(clashing, config)).toBeUndefined();
    expect(cached(clashing, config)).toBe('error: the pod already has a volume named meshward-scratch');
  });

  it('stays correct past its bound, with a pod shape per annotation value', () => {
    const config = testConfig({ inject: { egressPort: 8443 } });
    const [base] = generatedPods(1, 5) as [PodView];
    const pods = Array.from({ length: 1500 }, (_, index) => ({
      ...base,
      metadata: {
        ...base.metadata,
        annotations: { 'traffic.sidecar.istio.io/excludeOutboundPorts': String(index) },
      },
    }));
    for (const pod of [...pods, ...pods.slice(0, 100)]) expect(cached(pod, config)).toBe(fresh(pod, config));
  });

  it('does not keep patches keyed on long annotation values', () => {
    const config = testConfig({ inject: { egressPort: 8443 } });
    const [base] = generatedPods(1, 5) as [PodView];
    const pod = {
      ...base,
      metadata: { annotations: { 'config.linkerd.io/skip-outbound-ports': '1,'.repeat(600) } },
    };
    expect(patchKey(pod, config)).toBeUndefined();
    expect(cached(pod, config)).toBe(fresh(pod, config));
  });
});
