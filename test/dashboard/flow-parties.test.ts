/** flowParties: a flow's peers on the dashboard, and the clients a trusted proxy forwarded for before the proxy. */
import { describe, expect, it } from 'vitest';
import { flowParties } from '../../dashboard/src/flow-parties.ts';

const flow = {
  type: 'flow',
  protocol: 'http',
  client: { ip: '10.0.0.5', port: 41000 },
  server: { ip: '10.0.0.6', port: 9080 },
};
const forwarded = (value: unknown) => ({ ...flow, l7: { http: { methods: ['GET'] }, forwarded: value } });

describe('a flow on the dashboard', () => {
  it('names its peers, and the clients a trusted proxy forwarded for before the proxy', () => {
    expect(flowParties(flow)).toBe('10.0.0.5:41000 → 10.0.0.6:9080');
    const two = forwarded({
      clients: [
        { ip: '203.0.113.7', by: 'x-forwarded-for' },
        { ip: '198.51.100.2', by: 'x-forwarded-for' },
      ],
      otherRequests: 3,
    });
    expect(flowParties(two)).toBe(
      'forwarded for 203.0.113.7, 198.51.100.2 (+3 requests for other clients) via proxy 10.0.0.5:41000 → 10.0.0.6:9080',
    );
  });

  it('behind a PROXY header, names the proxy as the balancer named it', () => {
    const behind = {
      ...forwarded({ clients: [{ ip: '203.0.113.7', by: 'x-forwarded-for' }] }),
      proxy: { version: 2, command: 'proxy', transport: 'tcp', client: { ip: '192.0.2.10', port: 5100 } },
    };
    expect(flowParties(behind)).toBe(
      'forwarded for 203.0.113.7 via proxy 192.0.2.10:5100 via 10.0.0.5:41000 → 10.0.0.6:9080',
    );
  });

  it('leaves out a forwarded list that names no one, and is undefined without endpoints', () => {
    expect(flowParties(forwarded({ clients: [] }))).toBe('10.0.0.5:41000 → 10.0.0.6:9080');
    expect(flowParties(forwarded('x'))).toBe('10.0.0.5:41000 → 10.0.0.6:9080');
    expect(flowParties({ ...flow, l7: 'x' })).toBe('10.0.0.5:41000 → 10.0.0.6:9080');
    expect(flowParties({ type: 'flow' })).toBeUndefined();
  });
});
