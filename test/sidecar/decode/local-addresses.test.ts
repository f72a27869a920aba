/** Martians: packets from outside claiming the pod's own address (sidecar/decode/local-addresses.ts). */
import { describe, expect, it } from 'vitest';
import { createLocalAddresses, linkDirection } from '#sidecar/decode/local-addresses.ts';
import { createPacketDecoder } from '#sidecar/decode/packet-decoder.ts';
import { sllFrame, tcp4Frame } from './build-frame.ts';

const sll = 113;
const sll2 = 276;
const pod = '10.1.0.2';
const frame = (src: string, dst: string) =>
  tcp4Frame({ src, dst, srcPort: 8080, dstPort: 41000, payload: 'x' });

/** The same frame in a Linux cooked capture v2 header: ifindex, ARPHRD, packet type, then the v1 fields' order. */
const sll2Frame = (ethernet: Uint8Array, packetType: number, hardwareType = 1): Uint8Array =>
  Uint8Array.from([
    ...ethernet.subarray(12, 14),
    0,
    0,
    0,
    0,
    0,
    2,
    hardwareType >> 8,
    hardwareType & 0xff,
    packetType,
    6,
    ...ethernet.subarray(6, 12),
    0,
    0,
    ...ethernet.subarray(14),
  ]);

const decode = (data: Uint8Array, linkType: number, local: string[] = [pod]) => {
  const decoder = createPacketDecoder(undefined, local);
  const outcome = decoder.decode({ ts: 1, linkType, data, originalLength: data.length, offset: 0 });
  return { outcome, direction: decoder.packet.direction };
};

describe('martians (a received packet with the pod’s own source address)', () => {
  it('reads the direction from Linux cooked capture v1 and v2 headers', () => {
    expect(decode(sllFrame(frame('10.9.9.9', pod), 0), sll).direction).toBe(linkDirection.received);
    expect(decode(sllFrame(frame(pod, '10.9.9.9'), 4), sll).direction).toBe(linkDirection.sent);
    expect(decode(sllFrame(frame(pod, pod), 0, 772), sll).direction).toBe(linkDirection.loopback);
    expect(decode(sll2Frame(frame('10.9.9.9', pod), 0), sll2).direction).toBe(linkDirection.received);
    expect(decode(sll2Frame(frame(pod, '10.9.9.9'), 4), sll2).direction).toBe(linkDirection.sent);
    expect(decode(frame(pod, '10.9.9.9'), 1).direction).toBe(linkDirection.unknown);
  });

  it('drops a received packet from the pod’s own address, as its kernel does, and counts it', () => {
    expect(decode(sllFrame(frame(pod, '10.9.9.9'), 0), sll).outcome).toBe('martian');
    expect(decode(sll2Frame(frame(pod, '10.9.9.9'), 0), sll2).outcome).toBe('martian');
  });

  it('keeps what the pod sends, loopback traffic, other sources, and everything when no address is configured', () => {
    expect(decode(sllFrame(frame(pod, '10.9.9.9'), 4), sll).outcome).toBe('ok');
    expect(decode(sllFrame(frame(pod, pod), 0, 772), sll).outcome).toBe('ok');
    expect(decode(sllFrame(frame('10.9.9.9', pod), 0), sll).outcome).toBe('ok');
    expect(decode(sllFrame(frame(pod, '10.9.9.9'), 0), sll, []).outcome).toBe('ok');
    expect(decode(frame(pod, '10.9.9.9'), 1).outcome).toBe('ok');
  });

  it('takes only IPv4 dotted quads from the configuration', () => {
    const local = createLocalAddresses(['fd00::1', '10.1.0.2', '300.1.1.1', 'pod']);
    expect(local.martian(linkDirection.received, 0x0a010002)).toBe(true);
    expect(local.martian(linkDirection.received, 0x0a010003)).toBe(false);
    expect(local.martian(linkDirection.sent, 0x0a010002)).toBe(false);
  });
});
