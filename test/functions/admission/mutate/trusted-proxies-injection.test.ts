/** Trusted proxies (ADR 28): the injector's inject.trustedProxies → MESHWARD_TRUSTED_PROXIES → the tap's list. */
import { describe, expect, it } from 'vitest';
import { applyEnv, parseConfig } from '#core/config.ts';
import { mutateReview } from '#functions/admission/mutate/run.ts';
import { tapConfigFromEnv } from '#sidecar/tap/tap-config.ts';
import { applyResponse, loadReview, testConfig } from '#test/helpers/admission-fixtures.ts';

const injectedEnv = (config: ReturnType<typeof testConfig>) => {
  const review = loadReview('bare-pod');
  const pod = applyResponse(review, mutateReview(review.request, { config, namespaceOptedIn: false }));
  const tap = pod.spec.initContainers?.find((c) => c.name === 'meshward-tap') as {
    env: { name: string; value?: string }[];
  };
  return tap.env;
};

const tapEnv = { MESHWARD_CONTROL_PLANE_URL: 'https://x', MESHWARD_TOKEN_PATH: '/t' };

describe('trusted proxies from the injector to the tap', () => {
  it('injects the configured list, and the tap trusts exactly those addresses', () => {
    const env = injectedEnv(testConfig({ inject: { trustedProxies: ['10.42.0.0/16', 'fd00::7'] } }));
    expect(env).toContainEqual({ name: 'MESHWARD_TRUSTED_PROXIES', value: '10.42.0.0/16,fd00::7' });
    const value = env.find((e) => e.name === 'MESHWARD_TRUSTED_PROXIES')?.value ?? '';
    const { trustedProxies } = tapConfigFromEnv({ ...tapEnv, MESHWARD_TRUSTED_PROXIES: value });
    expect(['10.42.9.9', 'fd00::7', '10.43.0.1'].map((ip) => trustedProxies.has(ip))).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('passes the one header the proxies write, and refuses another name', () => {
    const env = injectedEnv(
      testConfig({ inject: { trustedProxies: ['10.42.0.0/16'], forwardedHeader: 'x-real-ip' } }),
    );
    expect(env).toContainEqual({ name: 'MESHWARD_FORWARDED_HEADER', value: 'x-real-ip' });
    expect(tapConfigFromEnv({ ...tapEnv, MESHWARD_FORWARDED_HEADER: 'x-real-ip' }).forwardedHeader).toBe(
      'x-real-ip',
    );
    expect(() => tapConfigFromEnv({ ...tapEnv, MESHWARD_FORWARDED_HEADER: 'x-client-ip' })).toThrow(
      /forwardedHeader/,
    );
    expect(() => parseConfig({ inject: { forwardedHeader: 'x-client-ip' } })).toThrow(
      /inject\.forwardedHeader/,
    );
  });

  it("takes the list and the header from the control plane's environment too", () => {
    const config = parseConfig(
      applyEnv(
        {},
        { MESHWARD_TAP_TRUSTED_PROXIES: '10.42.0.0/16, fd00::7', MESHWARD_TAP_FORWARDED_HEADER: 'x-real-ip' },
      ),
    );
    expect(config.inject).toMatchObject({
      trustedProxies: ['10.42.0.0/16', 'fd00::7'],
      forwardedHeader: 'x-real-ip',
    });
    expect(() => parseConfig(applyEnv({}, { MESHWARD_TAP_TRUSTED_PROXIES: '10.42.0.0/16,ingress' }))).toThrow(
      /inject\.trustedProxies/,
    );
  });

  it('injects nothing by default, and the tap then trusts nobody', () => {
    expect(injectedEnv(testConfig()).map((e) => e.name)).not.toContain('MESHWARD_TRUSTED_PROXIES');
    expect(tapConfigFromEnv(tapEnv).trustedProxies.entries).toEqual([]);
  });

  it('refuses a wrong entry, naming it, in the control plane config and in the tap', () => {
    expect(() => parseConfig({ inject: { trustedProxies: ['10.0.0.0/40'] } })).toThrow(
      /inject\.trustedProxies\.0: "10\.0\.0\.0\/40" is not an IPv4 or IPv6 address or CIDR/,
    );
    expect(() => tapConfigFromEnv({ ...tapEnv, MESHWARD_TRUSTED_PROXIES: '10.0.0.0/8, ingress' })).toThrow(
      /MESHWARD_TRUSTED_PROXIES: "ingress" is not an IPv4 or IPv6 address or CIDR/,
    );
  });
});
