import { describe, expect, it } from 'vitest';
import { createFlowState, type FlowState } from '#sidecar/engine/flow-state.ts';
import { throughProxyDatagram } from '#sidecar/engine/proxy-datagram.ts';
import { concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { proxyV2Dgram4, proxyV2Dgram6 } from '#test/fixtures/protocols/proxy-v2-datagram.ts';
import { dnsQuery } from '#test/fixtures/protocols/socks-udp-datagrams.ts';
import { seededRandom } from '#test/helpers/random.ts';

const query = dnsQuery(0x4242, 'api.example.com');
const fresh = (): FlowState => createFlowState(true, 0);

describe('a PROXY v2 header on a datagram (proxy-protocol.txt §2.2, DGRAM)', () => {
  it('is read off an IPv4 datagram: the data after it goes on, the flow keeps who sent it', () => {
    const state = fresh();
    const data = throughProxyDatagram(
      state,
      concat(proxyV2Dgram4([203, 0, 113, 9], 5353, [10, 0, 0, 2], 53), query),
    );
    expect(data).toEqual(query);
    expect(state.proxy?.header).toEqual({
      version: 2,
      command: 'proxy',
      transport: 'udp',
      client: { ip: '203.0.113.9', port: 5353 },
      server: { ip: '10.0.0.2', port: 53 },
    });
  });

  it('is read off an IPv6 datagram', () => {
    const state = fresh();
    expect(throughProxyDatagram(state, concat(proxyV2Dgram6, query))).toEqual(query);
    expect(state.proxy?.header?.client).toEqual({ ip: '2001:db8::9', port: 5353 });
  });

  it('is read off every datagram that has one; the flow keeps the first client', () => {
    const state = fresh();
    throughProxyDatagram(state, concat(proxyV2Dgram4([203, 0, 113, 9], 5353, [10, 0, 0, 2], 53), query));
    const second = throughProxyDatagram(
      state,
      concat(proxyV2Dgram4([198, 51, 100, 7], 6000, [10, 0, 0, 2], 53), query),
    );
    expect(second).toEqual(query);
    expect(state.proxy?.header?.client?.ip).toBe('203.0.113.9');
  });

  it('keeps a header naming no client (LOCAL: a health check) only until one names a client', () => {
    const state = fresh();
    // Version 2, command LOCAL (0x20), family and transport UNSPEC, no addresses (proxy-protocol.txt §2.2).
    const local = hex('0d0a0d0a000d0a515549540a 20000000');
    expect(throughProxyDatagram(state, concat(local, query))).toEqual(query);
    expect(state.proxy?.header).toMatchObject({ command: 'local', transport: 'unknown' });
    throughProxyDatagram(state, concat(proxyV2Dgram4([203, 0, 113, 9], 5353, [10, 0, 0, 2], 53), query));
    expect(state.proxy?.header).toMatchObject({
      command: 'proxy',
      client: { ip: '203.0.113.9', port: 5353 },
    });
    throughProxyDatagram(state, concat(local, query));
    expect(state.proxy?.header?.client?.ip).toBe('203.0.113.9');
  });

  it('leaves a datagram without one as it is, and the flow without a header', () => {
    const state = fresh();
    expect(throughProxyDatagram(state, query)).toBe(query);
    expect(throughProxyDatagram(state, hex('0d0a'))).toEqual(hex('0d0a'));
    expect(state.proxy).toBeUndefined();
  });

  it('passes a datagram cut inside its header, or one that breaks a rule, as it is, and says why', () => {
    const cut = proxyV2Dgram4([203, 0, 113, 9], 5353, [10, 0, 0, 2], 53).subarray(0, 20);
    const cutState = fresh();
    expect(throughProxyDatagram(cutState, cut)).toBe(cut);
    expect(cutState.proxy?.problem).toBe('a datagram shorter than its PROXY header');
    const version3 = concat(hex('0d0a0d0a000d0a515549540a'), hex('3112000c'), new Uint8Array(12));
    const badState = fresh();
    expect(throughProxyDatagram(badState, version3)).toBe(version3);
    expect(badState.proxy?.problem).toBe('version 3');
  });

  it('never throws on random datagrams that start with the signature, cut anywhere', () => {
    const random = seededRandom(0x9702);
    const header = proxyV2Dgram4([203, 0, 113, 9], 5353, [10, 0, 0, 2], 53);
    for (let i = 0; i < 3000; i++) {
      const datagram = concat(header.subarray(0, 12 + random.int(5)), random.bytes(random.int(80)));
      expect(() =>
        throughProxyDatagram(fresh(), datagram.subarray(0, random.int(datagram.length + 1))),
      ).not.toThrow();
    }
  });
});
