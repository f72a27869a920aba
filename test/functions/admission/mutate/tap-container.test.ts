/** The CA the injected tap trusts for the control plane: config → patch → the tap's own configuration. */
import { describe, expect, it } from 'vitest';
import { applyEnv, parseConfig } from '#core/config.ts';
import { mutateReview } from '#functions/admission/mutate/run.ts';
import { tapConfigFromEnv } from '#sidecar/tap/tap-config.ts';
import { applyResponse, loadReview, testConfig } from '#test/helpers/admission-fixtures.ts';

const pem = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

const injectedEnv = (config: ReturnType<typeof testConfig>) => {
  const review = loadReview('bare-pod');
  const pod = applyResponse(review, mutateReview(review.request, { config, namespaceOptedIn: false }));
  const tap = pod.spec.initContainers?.find((c) => c.name === 'meshward-tap') as {
    env: { name: string; value?: string }[];
  };
  return tap.env;
};

describe('tap CA distribution', () => {
  it('injects inject.caBundle inline as MESHWARD_CA_PEM, and the tap takes it as its CA', () => {
    const env = injectedEnv(testConfig({ inject: { caBundle: pem } }));
    expect(env).toContainEqual({ name: 'MESHWARD_CA_PEM', value: pem });
    const literal = Object.fromEntries(
      env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]),
    );
    expect(tapConfigFromEnv(literal).caPem).toBe(pem);
  });

  it('injects no CA when none is configured (a publicly trusted control plane)', () => {
    expect(injectedEnv(testConfig()).map((e) => e.name)).not.toContain('MESHWARD_CA_PEM');
  });

  it('MESHWARD_TAP_CA_BUNDLE sets it; something that is not PEM is refused with the field named', () => {
    expect(parseConfig(applyEnv({}, { MESHWARD_TAP_CA_BUNDLE: pem })).inject.caBundle).toBe(pem);
    expect(() => parseConfig(applyEnv({}, { MESHWARD_TAP_CA_BUNDLE: 'hello' }))).toThrow(
      /inject\.caBundle.*PEM/s,
    );
    expect(() =>
      tapConfigFromEnv({
        MESHWARD_CONTROL_PLANE_URL: 'https://x',
        MESHWARD_TOKEN_PATH: '/t',
        MESHWARD_CA_PEM: 'x',
      }),
    ).toThrow(/caPem/);
  });
});
