/** Configuration: safe defaults, env overlay, and every problem reported at once. */
import { describe, expect, it } from 'vitest';
import { applyEnv, parseConfig } from '#core/config.ts';
import { AppError } from '#core/errors.ts';

describe('config', () => {
  it('has safe defaults', () => {
    const config = parseConfig(undefined);
    expect(config.failurePolicy).toBe('fail-open');
    expect(config.webhookPathSecret).toBe('');
    expect(config.inject).toMatchObject({ default: false, mode: 'discover', kubernetesMinor: 29 });
  });

  it('reports every problem at once, naming each field', () => {
    let caught: unknown;
    try {
      parseConfig({
        controlPlaneUrl: 'not a url',
        failurePolicy: 'maybe',
        webhookPathSecret: 'short',
        inject: { kubernetesMinor: 3 },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const error = caught as AppError;
    expect(error.code).toBe('config-invalid');
    expect(error.details).toHaveLength(4);
    expect(error.message).toMatch(/controlPlaneUrl/);
    expect(error.message).toMatch(/failurePolicy/);
    expect(error.message).toMatch(/webhookPathSecret: must be at least 16/);
    expect(error.message).toMatch(/inject\.kubernetesMinor/);
  });

  it('quotes each bad entry of a list, whatever its type, as well as naming its index', () => {
    // What YAML makes of `- 10`, `- cidr: 10.0.0.0/8`, `- ~` and `- ingress` under inject.trustedProxies.
    expect(() =>
      parseConfig({
        inject: { trustedProxies: ['10.0.0.0/8', 10, { cidr: '10.0.0.0/8' }, null, 'ingress'] },
      }),
    ).toThrow(
      [
        'configuration is invalid:',
        '  inject.trustedProxies.1: 10 is not an IPv4 or IPv6 address or CIDR (address/bits)',
        '  inject.trustedProxies.2: {"cidr":"10.0.0.0/8"} is not an IPv4 or IPv6 address or CIDR (address/bits)',
        '  inject.trustedProxies.3: null is not an IPv4 or IPv6 address or CIDR (address/bits)',
        '  inject.trustedProxies.4: "ingress" is not an IPv4 or IPv6 address or CIDR (address/bits)',
      ].join('\n'),
    );
  });

  it('refuses a trusted proxy that trusts every address, as the injected tap would at start', () => {
    expect(() => parseConfig({ inject: { trustedProxies: ['10.0.0.0/8', '0.0.0.0/0', '::/0'] } })).toThrow(
      [
        'configuration is invalid:',
        '  inject.trustedProxies.1: "0.0.0.0/0" trusts every address, so any client could name any other: list the proxies\' addresses',
        '  inject.trustedProxies.2: "::/0" trusts every address, so any client could name any other: list the proxies\' addresses',
      ].join('\n'),
    );
  });

  it('overlays MESHWARD_* environment variables', () => {
    const raw = applyEnv(
      { inject: { image: 'x' } },
      { MESHWARD_INJECT_DEFAULT: 'true', MESHWARD_KUBERNETES_MINOR: '28' },
    );
    const config = parseConfig(raw);
    expect(config.inject).toMatchObject({ default: true, kubernetesMinor: 28, image: 'x' });
  });
});
