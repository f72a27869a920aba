/** Patch text: the same bytes as JSON.stringify of the patch, with per-configuration values serialized once. */
import { describe, expect, it } from 'vitest';
import { buildInjectionPatch } from '#functions/admission/mutate/build-patch.ts';
import { patchJson, withJsonText } from '#functions/admission/mutate/patch-json.ts';
import { podViewSchema } from '#functions/admission/mutate/pod-view.ts';
import { loadReview, testConfig } from '#test/helpers/admission-fixtures.ts';

const fixtures = ['bare-pod', 'deployment-pod', 'istio-pod', 'istio-native-pod', 'linkerd-pod'];
const configs = [
  testConfig(),
  testConfig({ inject: { egressPort: 8443 } }),
  testConfig({ inject: { kubernetesMinor: 28, egressPort: 15001 } }),
  testConfig({ inject: { caBundle: '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n' } }),
];

describe('patchJson', () => {
  it('gives exactly JSON.stringify of the patch, for every fixture and configuration, first and later calls', () => {
    for (const config of configs) {
      for (const fixture of fixtures) {
        const pod = podViewSchema.parse(loadReview(fixture).request.object);
        for (let call = 0; call < 2; call += 1) {
          const operations = buildInjectionPatch(pod, config);
          expect(patchJson(operations)).toBe(JSON.stringify(operations));
        }
      }
    }
  });

  it('escapes paths and values it has no text for', () => {
    const operations = [
      { op: 'replace' as const, path: '/metadata/annotations/a~1"b', value: 'x"\n' },
      { op: 'add' as const, path: '/spec/x', value: { n: 1, list: [true, null] } },
    ];
    expect(patchJson(operations)).toBe(JSON.stringify(operations));
  });

  it('freezes values that carry their text, so the text cannot go stale', () => {
    const value = withJsonText({ env: [{ name: 'A', value: '1' }] });
    expect(Object.isFrozen(value.env[0])).toBe(true);
    expect(() => {
      (value.env as { name: string }[]).push({ name: 'B' });
    }).toThrow(TypeError);
    expect(patchJson([{ op: 'add', path: '/x', value }])).toBe(
      JSON.stringify([{ op: 'add', path: '/x', value }]),
    );
  });
});
