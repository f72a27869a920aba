/** flowParties: a flow's peers on the dashboard, and the clients a trusted proxy named for it (ADR 31) as "forwarded for". */
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
        { ip: '2001:db8::2', by: 'forwarded' },
      ],
    });
    expect(flowParties(two)).toBe(
      'forwarded for 203.0.113.7, 2001:db8::2 via proxy 10.0.0.5:41000 → 10.0.0.6:9080',
    );
  });

  it('counts the requests past the list as requests, not clients', () => {
    const full = forwarded({ clients: [{ ip: '203.0.113.7', by: 'x-real-ip' }], otherRequests: 3 });
    expect(flowParties(full)).toBe(
      'forwarded for 203.0.113.7 (+3 requests for other clients) via proxy 10.0.0.5:41000 → 10.0.0.6:9080',
    );
    const one = forwarded({ clients: [{ ip: '203.0.113.7', by: 'x-real-ip' }], otherRequests: 1 });
    expect(flowParties(one)).toContain('(+1 request for another client)');
    // An address too long for the finding (an IPv6 zone id) is counted, not listed.
    const unlisted = forwarded({ clients: [], otherRequests: 2 });
    expect(flowParties(unlisted)).toBe(
      'forwarded for clients not listed (2 requests) via proxy 10.0.0.5:41000 → 10.0.0.6:9080',
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

  it('shows a hostile address as the text it is, and skips what it cannot read', () => {
    const hostile = forwarded({ clients: [{ ip: '<script>alert(1)</script>', by: 'x-forwarded-for' }] });
    expect(flowParties(hostile)).toBe(
      'forwarded for <script>alert(1)</script> via proxy 10.0.0.5:41000 → 10.0.0.6:9080',
    );
    const odd = forwarded({ clients: [{ ip: 7 }, 'x', { ip: '203.0.113.7' }], otherRequests: 'many' });
    expect(flowParties(odd)).toBe('forwarded for 203.0.113.7 via proxy 10.0.0.5:41000 → 10.0.0.6:9080');
    expect(flowParties(forwarded({ clients: [] }))).toBe('10.0.0.5:41000 → 10.0.0.6:9080');
    expect(flowParties(forwarded('x'))).toBe('10.0.0.5:41000 → 10.0.0.6:9080');
    expect(flowParties({ type: 'flow' })).toBeUndefined();
  });
});
