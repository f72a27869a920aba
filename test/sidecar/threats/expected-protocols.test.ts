import { describe, expect, it } from 'vitest';
import { expectationOf, portHints } from '#sidecar/threats/expected-protocols.ts';
import { flow } from './threat-factories.ts';

describe('expectationOf', () => {
  it('takes the learned rule first, whatever the port', () => {
    const ruled = flow({ expectedProtocol: 'redis', server: { ip: '10.0.0.9', port: 80 } });
    expect(expectationOf(ruled, true)).toEqual({ protocols: ['redis'], source: 'rule' });
  });

  it('falls back to the protocols that declare the server port for the flow’s transport', () => {
    const at = (transport: 'tcp' | 'udp', port: number) =>
      expectationOf(flow({ transport, server: { ip: '10.0.0.9', port } }), true);
    expect(at('udp', 53)).toEqual({ protocols: ['dns'], source: 'port' });
    expect(at('tcp', 53)).toEqual({ protocols: ['dns'], source: 'port' });
    expect(at('tcp', 80)?.protocols).toEqual(expect.arrayContaining(['http', 'http2']));
    expect(at('udp', 443)).toBeUndefined();
    expect(at('tcp', 31337)).toBeUndefined();
    expect(expectationOf(flow({ server: { ip: '10.0.0.9', port: 80 } }), false)).toBeUndefined();
  });

  it('builds the hint table from what each protocol declares', () => {
    const hints = portHints([
      { id: 'dns', transport: 'both', ports: [53] },
      { id: 'http', transport: 'tcp', ports: [80] },
    ] as unknown as Parameters<typeof portHints>[0]);
    expect([...hints]).toEqual([
      ['tcp/53', ['dns']],
      ['udp/53', ['dns']],
      ['tcp/80', ['http']],
    ]);
  });
});
