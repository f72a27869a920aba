/** The copy-free Pod check accepts only what the Pod view schema accepts. */
import { describe, expect, it } from 'vitest';
import { isPodView, podViewSchema } from '#functions/admission/mutate/pod-view.ts';
import { loadReview } from '#test/helpers/admission-fixtures.ts';
import { mutationsOf, oddValues } from '#test/helpers/admission-mutations.ts';

const fixtures = [
  'bare-pod',
  'deployment-pod',
  'istio-pod',
  'istio-native-pod',
  'linkerd-pod',
  'opt-out-pod',
];

describe('isPodView', () => {
  it('accepts every fixture pod, as the schema does', () => {
    for (const name of fixtures) {
      const pod = loadReview(name).request.object;
      expect(isPodView(pod)).toBe(true);
      expect(podViewSchema.safeParse(pod).success).toBe(true);
    }
  });

  it('accepts nothing the schema refuses, whatever field is changed to whatever value', () => {
    for (const name of ['istio-pod', 'deployment-pod']) {
      let refused = 0;
      for (const variant of mutationsOf(loadReview(name).request.object, oddValues)) {
        if (!isPodView(variant)) {
          refused += 1;
          continue;
        }
        expect(podViewSchema.safeParse(variant).success).toBe(true);
      }
      expect(refused).toBeGreaterThan(100);
    }
  });

  it('leaves a pod without metadata to the schema, which defaults it', () => {
    const pod = { spec: { containers: [{ name: 'app' }] } };
    expect(isPodView(pod)).toBe(false);
    expect(podViewSchema.parse(pod).metadata).toEqual({});
  });
});
