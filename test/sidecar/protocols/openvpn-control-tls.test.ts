import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { createControlTls, maxPendingOctets } from '#sidecar/protocols/openvpn-control-tls.ts';
import { wireSamples } from '#test/fixtures/protocols/wire-samples.ts';

/** A whole TLS ClientHello record (Node's, SNI api.example.com: wire-samples.ts). */
const hello = Uint8Array.from(
  wireSamples.find((s) => s.protocol === 'tls' && s.direction === 'to-server')?.bytes ?? [],
);
const kinds = (events: readonly ProtocolEvent[]): string[] => events.map((e) => e.kind);

describe('OpenVPN control channel TLS', () => {
  it('puts payloads back in message id order, a retransmission of one held counted once', () => {
    const tls = createControlTls();
    expect(tls.add('to-server', 0, 3, hello.subarray(200), 1)).toEqual([]);
    expect(tls.add('to-server', 0, 2, hello.subarray(100, 200), 2)).toEqual([]);
    expect(tls.add('to-server', 0, 2, hello.subarray(100, 200), 3)).toEqual([]);
    expect(tls.held()).toBe(hello.length - 100);
    expect(kinds(tls.add('to-server', 0, 1, hello.subarray(0, 100), 4))).toContain('tls-client-hello');
    expect(tls.held()).toBe(0);
  });

  it('holds at most maxPendingOctets out of order per direction, whatever the size of the datagrams', () => {
    const tls = createControlTls();
    // Sixteen 60000-octet payloads ahead of message 1: what a hostile sender's UDP datagrams can carry.
    for (let id = 2; id < 18; id++) tls.add('to-server', 0, id, new Uint8Array(60_000).fill(0x17), id);
    expect(tls.held()).toBeLessThanOrEqual(maxPendingOctets);
    for (let id = 2; id < 40; id++) tls.add('to-client', 0, id, new Uint8Array(1_000).fill(0x17), id);
    expect(tls.held()).toBeLessThanOrEqual(2 * maxPendingOctets);
    // A sender's real window (a few packets of --tls-mtu, 1250 octets) is all held.
    const real = createControlTls();
    for (let id = 2; id < 10; id++) real.add('to-server', 0, id, new Uint8Array(1_250), id);
    expect(real.held()).toBe(8 * 1_250);
  });
});
