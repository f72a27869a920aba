/** The mutating webhook against real-shaped AdmissionReviews, patches applied with fast-json-patch. */
import { describe, expect, it } from 'vitest';
import { mutateReview } from '#functions/admission/mutate/run.ts';
import {
  applyResponse,
  loadReview,
  type PodObject,
  reinvoke,
  testConfig,
} from '#test/helpers/admission-fixtures.ts';

const tapCount = (pod: PodObject) =>
  [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].filter((c) => c.name === 'meshward-tap')
    .length;
const names = (list: Record<string, unknown>[] | undefined) => (list ?? []).map((c) => c.name);

const inject = (fixture: string, config = testConfig(), namespaceOptedIn = false) => {
  const review = loadReview(fixture);
  const response = mutateReview(review.request, { config, namespaceOptedIn });
  return { review, response, pod: applyResponse(review, response) };
};

describe('mutateReview: injection', () => {
  it('injects a native sidecar into a bare pod that opted in, with every piece in place', () => {
    const { response, pod } = inject('bare-pod');
    expect(response).toMatchObject({
      uid: loadReview('bare-pod').request.uid,
      allowed: true,
      patchType: 'JSONPatch',
    });
    expect(tapCount(pod)).toBe(1);
    const tap = pod.spec.initContainers?.[0] as Record<string, any>;
    expect(tap.restartPolicy).toBe('Always');
    expect(tap.securityContext).toEqual({
      runAsUser: 0,
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'], add: ['NET_RAW', 'NET_ADMIN', 'SETUID', 'SETGID'] },
    });
    expect(tap.resources.limits).toEqual({ cpu: '500m', memory: '512Mi' });
    expect(names(pod.spec.volumes)).toEqual(['meshward-podinfo', 'meshward-token', 'meshward-scratch']);
    const token = pod.spec.volumes?.[1] as Record<string, any>;
    expect(token.projected.sources[0].serviceAccountToken.audience).toBe('meshward');
    expect(JSON.parse(pod.metadata.annotations?.['meshward.io/status'] ?? '{}')).toMatchObject({
      native: true,
    });
    expect(tap.env.map((e: { name: string }) => e.name)).toContain('MESHWARD_POD_UID');
  });

  it('appends a regular container last on clusters older than 1.29', () => {
    const { pod } = inject('deployment-pod', testConfig({ inject: { kubernetesMinor: 28 } }), true);
    expect(names(pod.spec.containers)).toEqual(['productpage', 'meshward-tap']);
    expect(pod.spec.initContainers).toBeUndefined();
    expect((pod.spec.containers[1] as Record<string, unknown>).restartPolicy).toBeUndefined();
  });

  it('handles controller pods that only have generateName, keeping existing volumes and annotations', () => {
    const { pod } = inject('deployment-pod', testConfig(), true);
    expect(pod.metadata.name).toBeUndefined();
    expect(names(pod.spec.volumes)).toEqual([
      'tmp',
      'kube-api-access-x7k2p',
      'meshward-podinfo',
      'meshward-token',
      'meshward-scratch',
    ]);
    expect(pod.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe('2026-11-20T10:00:00Z');
  });

  it('places the native tap after istio-init and keeps istio-proxy untouched', () => {
    const { pod } = inject('istio-pod', testConfig(), true);
    expect(names(pod.spec.initContainers)).toEqual(['istio-init', 'meshward-tap']);
    expect(names(pod.spec.containers)).toEqual(['productpage', 'istio-proxy']);
  });

  it('places the native tap after a native istio-proxy and before app init containers', () => {
    const { pod } = inject('istio-native-pod', testConfig(), true);
    expect(names(pod.spec.initContainers)).toEqual([
      'istio-init',
      'istio-proxy',
      'meshward-tap',
      'migrate-db',
    ]);
  });

  it('appends the egress port to Istio and Linkerd exclusions, never replacing them', () => {
    const config = testConfig({ inject: { egressPort: 8443 } });
    const istio = inject('istio-pod', config, true).pod;
    expect(istio.metadata.annotations?.['traffic.sidecar.istio.io/excludeOutboundPorts']).toBe('15020,8443');
    const linkerd = inject('linkerd-pod', config, true).pod;
    expect(linkerd.metadata.annotations?.['config.linkerd.io/skip-outbound-ports']).toBe('4222,6222,8443');
    expect(names(linkerd.spec.initContainers)).toEqual(['linkerd-init', 'meshward-tap']);
  });

  it('is a no-op on its own output (reinvocation, re-applied manifests)', () => {
    for (const fixture of ['bare-pod', 'deployment-pod', 'istio-pod', 'linkerd-pod', 'istio-native-pod']) {
      const first = inject(fixture, testConfig({ inject: { egressPort: 8443 } }), true);
      const again = mutateReview(reinvoke(first.review, first.pod).request, {
        config: testConfig({ inject: { egressPort: 8443 } }),
        namespaceOptedIn: true,
      });
      expect(again.patch, fixture).toBeUndefined();
      expect(tapCount(applyResponse(reinvoke(first.review, first.pod), again))).toBe(1);
    }
  });
});

describe('mutateReview: exclusions', () => {
  it('does nothing for a pod that opted out, even in an opted-in namespace', () => {
    const { response } = inject('opt-out-pod', testConfig(), true);
    expect(response).toEqual({ uid: loadReview('opt-out-pod').request.uid, allowed: true });
  });

  it('skips host-network pods and says why', () => {
    const { response } = inject('host-network-pod', testConfig(), true);
    expect(response.patch).toBeUndefined();
    expect(response.warnings?.[0]).toMatch(/hostNetwork/);
  });

  it('skips kube-system and its own namespace with a warning', () => {
    expect(inject('kube-system-pod', testConfig(), true).response.warnings?.[0]).toMatch(/kube-system/);
    const own = loadReview('bare-pod');
    const response = mutateReview(
      { ...own.request, namespace: 'meshward' },
      { config: testConfig(), namespaceOptedIn: true },
    );
    expect(response.patch).toBeUndefined();
    expect(response.warnings?.[0]).toMatch(/meshward/);
  });

  it('does not inject pods that never opted in unless the default says so', () => {
    expect(inject('deployment-pod', testConfig(), false).response.patch).toBeUndefined();
    expect(
      inject('deployment-pod', testConfig({ inject: { default: true } }), false).response.patch,
    ).toBeDefined();
  });

  it('honours the opt-in annotation', () => {
    const review = loadReview('deployment-pod');
    const object = structuredClone(review.request.object) as PodObject;
    object.metadata.annotations = { ...object.metadata.annotations, 'meshward.io/inject': 'true' };
    const response = mutateReview(
      { ...review.request, object },
      { config: testConfig(), namespaceOptedIn: false },
    );
    expect(response.patch).toBeDefined();
  });

  it('passes UPDATE through unchanged: containers cannot be added after creation', () => {
    const review = loadReview('bare-pod');
    const response = mutateReview(
      { ...review.request, operation: 'UPDATE' },
      { config: testConfig(), namespaceOptedIn: true },
    );
    expect(response).toEqual({ uid: review.request.uid, allowed: true });
  });

  it('answers a dry run exactly like a real request', () => {
    const review = loadReview('bare-pod');
    const real = mutateReview(review.request, { config: testConfig(), namespaceOptedIn: false });
    const dry = mutateReview(
      { ...review.request, dryRun: true },
      { config: testConfig(), namespaceOptedIn: false },
    );
    expect(dry).toEqual(real);
  });
});

describe('mutateReview: bad input and failure stance', () => {
  it('rejects a non-Pod object as a bad request naming the kind', () => {
    const review = loadReview('bare-pod');
    const request = { ...review.request, kind: { group: 'apps', version: 'v1', kind: 'Deployment' } };
    expect(() => mutateReview(request, { config: testConfig(), namespaceOptedIn: true })).toThrow(
      /Pods only, got Deployment/,
    );
  });

  it('rejects a Pod without containers, naming the field', () => {
    const review = loadReview('bare-pod');
    const request = { ...review.request, object: { metadata: {}, spec: { containers: [] } } };
    expect(() => mutateReview(request, { config: testConfig(), namespaceOptedIn: true })).toThrow(
      /spec\.containers/,
    );
  });

  it('allows a pod it cannot patch with a warning (fail-open), or denies it (fail-closed)', () => {
    const review = loadReview('bare-pod');
    const object = structuredClone(review.request.object) as PodObject;
    object.spec.volumes = [{ name: 'meshward-token', emptyDir: {} }];
    const request = { ...review.request, object };
    const open = mutateReview(request, { config: testConfig(), namespaceOptedIn: true });
    expect(open).toMatchObject({ allowed: true });
    expect(open.warnings?.[0]).toMatch(/already has a volume named meshward-token/);
    const closed = mutateReview(request, {
      config: testConfig({ failurePolicy: 'fail-closed' }),
      namespaceOptedIn: true,
    });
    expect(closed).toMatchObject({ allowed: false, status: { code: 500 } });
  });
});
