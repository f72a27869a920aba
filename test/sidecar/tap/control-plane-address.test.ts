import { describe, expect, it } from 'vitest';
import { controlPlaneAddress } from '#sidecar/tap/control-plane-address.ts';

describe('controlPlaneAddress', () => {
  it('resolves a name, keeps an address literal, and defaults the port by scheme', async () => {
    const resolve = async (host: string) =>
      host === 'meshward.meshward.svc' ? ['10.96.0.20', 'fd00::20'] : [];
    expect(await controlPlaneAddress('https://meshward.meshward.svc:8443', resolve)).toEqual({
      host: 'meshward.meshward.svc',
      port: 8443,
      ips: ['10.96.0.20', 'fd00::20'],
    });
    expect(await controlPlaneAddress('https://[fd00::20]/', resolve)).toEqual({
      host: 'fd00::20',
      port: 443,
      ips: ['fd00::20'],
    });
    expect(await controlPlaneAddress('http://10.0.0.1', resolve)).toEqual({
      host: '10.0.0.1',
      port: 80,
      ips: ['10.0.0.1'],
    });
  });

  it('survives a name that does not resolve (the filter then only leaves out the metrics port)', async () => {
    const failing = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await controlPlaneAddress('https://nowhere.invalid:8443', failing)).toEqual({
      host: 'nowhere.invalid',
      port: 8443,
      ips: [],
    });
  });
});
