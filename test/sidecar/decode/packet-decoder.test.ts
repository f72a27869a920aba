import { describe, expect, it } from 'vitest';
import { addressText, payloadOf } from '#sidecar/decode/decoded-packet.ts';
import { createPacketDecoder } from '#sidecar/decode/packet-decoder.ts';
import {
  ethernetFrame,
  flags,
  hex,
  icmpMessage,
  ipv4Packet,
  ipv6Packet,
  tcp4Frame,
  tcpSegment,
  udpDatagram,
} from './build-frame.ts';

const record = (data: Uint8Array, linkType = 1, originalLength = data.length) => ({
  ts: 1000,
  linkType,
  data,
  originalLength,
  offset: 0,
});

describe('packet decoder: a hand-written Ethernet/IPv4/TCP SYN', () => {
  // Ethernet II: dst 00:11:22:33:44:55, src 66:77:88:99:aa:bb, type 0x0800 (IEEE 802.3 clause 3.2.6).
  // IPv4 (RFC 791 3.1): 45 = v4/IHL 5, TOS 0, total length 0x003c = 60, id 0x1c46, flags DF 0x4000, TTL 64,
  // protocol 6, checksum, 192.168.0.1 -> 192.168.0.199.
  // TCP (RFC 9293 3.1): 0xa0f2 -> 0x0050, seq 0x0a2a5c2d, ack 0, data offset 10 (40 bytes), flags SYN,
  // window 0xfaf0, checksum, urgent 0; options (3.2): MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
  const frame = hex(`
    001122334455 66778899aabb 0800
    4500003c1c4640004006b1e6 c0a80001 c0a800c7
    a0f20050 0a2a5c2d 00000000 a002faf0 00000000
    020405b4 0402080a 00acf1c6 00000000 01030307`);

  it('reads every field', () => {
    const decoder = createPacketDecoder();
    expect(decoder.decode(record(frame))).toBe('ok');
    const p = addressText(decoder.packet);
    expect([p.ipVersion, p.src, p.dst, p.transport, p.srcPort, p.dstPort]).toEqual([
      4,
      '192.168.0.1',
      '192.168.0.199',
      'tcp',
      41202,
      80,
    ]);
    expect([p.seq, p.ack, p.tcpFlags, p.window, p.mss, p.windowScale, p.payloadLength, p.ipLength]).toEqual([
      0x0a2a5c2d,
      0,
      flags.syn,
      0xfaf0,
      1460,
      7,
      0,
      60,
    ]);
  });

  it('counts every truncation of it by reason and never throws', () => {
    const decoder = createPacketDecoder();
    for (let length = 0; length < frame.length; length++) {
      expect(decoder.decode(record(frame.subarray(0, length)))).not.toBe('ok');
    }
    const counts = decoder.counts();
    expect(counts['truncated-link']).toBe(14);
    expect((counts['truncated-ip'] ?? 0) + (counts['truncated-tcp'] ?? 0)).toBe(frame.length - 14);
  });

  it('decodes the part it has when the snap length cut the frame', () => {
    const decoder = createPacketDecoder();
    const long = tcp4Frame({
      src: '10.0.0.1',
      dst: '10.0.0.2',
      srcPort: 1,
      dstPort: 2,
      payload: 'x'.repeat(1000),
    });
    expect(decoder.decode(record(long.subarray(0, 96), 1, long.length))).toBe('ok');
    expect([payloadOf(decoder.packet).length, decoder.packet.payloadLength, decoder.packet.snapped]).toEqual([
      42,
      1000,
      true,
    ]);
  });
});

describe('packet decoder: link layers', () => {
  const ip = ipv4Packet({
    src: '10.1.1.1',
    dst: '10.2.2.2',
    protocol: 17,
    payload: udpDatagram({ srcPort: 5353, dstPort: 53, payload: 'abc' }),
  });
  const cases: [string, number, Uint8Array][] = [
    ['Ethernet', 1, ethernetFrame(ip, 0x0800)],
    ['802.1Q', 1, ethernetFrame(ip, 0x0800, [0x8100])],
    ['QinQ 802.1ad + 802.1Q', 1, ethernetFrame(ip, 0x0800, [0x88a8, 0x8100])],
    // PPPoE session (RFC 2516 section 4): ver/type 0x11, code 0, session 1, length, PPP protocol 0x0021 (IPv4).
    ['PPPoE', 1, ethernetFrame(Uint8Array.from([0x11, 0, 0, 1, 0, ip.length + 2, 0, 0x21, ...ip]), 0x8864)],
    // MPLS (RFC 3032): two labels, the second with the bottom-of-stack bit.
    ['MPLS', 1, ethernetFrame(Uint8Array.from([0, 1, 0, 64, 0, 2, 1, 64, ...ip]), 0x8847)],
    // Linux cooked v1: packet type, ARPHRD_ETHER, address length 6, address (8), protocol 0x0800.
    ['SLL', 113, Uint8Array.from([0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 8, 0, ...ip])],
    // Linux cooked v2: protocol 0x0800, reserved, ifindex 2, ARPHRD 1, packet type 0, address length 6, address (8).
    ['SLL2', 276, Uint8Array.from([8, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...ip])],
    ['raw (101)', 101, ip],
    ['raw (12)', 12, ip],
    ['raw (14)', 14, ip],
    ['null, little-endian AF_INET', 0, Uint8Array.from([2, 0, 0, 0, ...ip])],
    ['loop, network order AF_INET', 108, Uint8Array.from([0, 0, 0, 2, ...ip])],
  ];
  for (const [name, linkType, data] of cases) {
    it(`finds IPv4/UDP behind ${name}`, () => {
      const decoder = createPacketDecoder();
      expect(decoder.decode(record(data, linkType))).toBe('ok');
      expect([addressText(decoder.packet).src, decoder.packet.srcPort, decoder.packet.dstPort]).toEqual([
        '10.1.1.1',
        5353,
        53,
      ]);
      expect(new TextDecoder().decode(payloadOf(decoder.packet))).toBe('abc');
    });
  }

  it('counts ARP as not-ip and an unknown link type as unsupported', () => {
    const decoder = createPacketDecoder();
    expect(decoder.decode(record(ethernetFrame(new Uint8Array(28), 0x0806)))).toBe('not-ip');
    expect(decoder.decode(record(ip, 147))).toBe('unsupported-link');
  });

  it('trims Ethernet padding after a short IPv4 packet (IP total length wins)', () => {
    const decoder = createPacketDecoder();
    const padded = Uint8Array.from([...ethernetFrame(ip, 0x0800), 0, 0, 0, 0, 0, 0]);
    expect(decoder.decode(record(padded))).toBe('ok');
    expect(payloadOf(decoder.packet).length).toBe(3);
  });
});

describe('packet decoder: IPv4 fragments (RFC 791 section 3.2)', () => {
  const datagram = udpDatagram({ srcPort: 1000, dstPort: 2000, payload: 'A'.repeat(24) });
  const fragment = (offset: number, bytes: Uint8Array, more: boolean, id = 7) =>
    record(
      ethernetFrame(
        ipv4Packet({
          src: '1.1.1.1',
          dst: '2.2.2.2',
          protocol: 17,
          payload: bytes,
          id,
          more,
          fragmentOffset: offset,
        }),
        0x0800,
      ),
    );

  it('reassembles fragments arriving out of order', () => {
    const decoder = createPacketDecoder();
    expect(decoder.decode(fragment(16, datagram.subarray(16), false))).toBe('fragment');
    expect(decoder.packet.fragment).toEqual({ offset: 16, more: false, overlap: false });
    expect(decoder.decode(fragment(0, datagram.subarray(0, 16), true))).toBe('ok');
    expect([decoder.packet.srcPort, decoder.packet.dstPort, payloadOf(decoder.packet).length]).toEqual([
      1000, 2000, 24,
    ]);
  });

  it('flags overlapping fragments (teardrop) and discards the datagram, as Linux does', () => {
    const decoder = createPacketDecoder();
    expect(decoder.decode(fragment(0, datagram.subarray(0, 16), true))).toBe('fragment');
    const evil = Uint8Array.from(datagram.subarray(8)).fill(0x42);
    expect(decoder.decode(fragment(8, evil, false))).toBe('fragment-dropped');
    expect(decoder.packet.fragment?.overlap).toBe(true);
    expect(decoder.fragments.size).toBe(0);
    // What is left of it can never complete: the first fragment went with it.
    expect(decoder.decode(fragment(16, datagram.subarray(16), false))).toBe('fragment');
  });

  it('ignores an exact duplicate fragment (first copy kept) and completes the datagram', () => {
    const decoder = createPacketDecoder();
    expect(decoder.decode(fragment(0, datagram.subarray(0, 16), true))).toBe('fragment');
    const copy = Uint8Array.from(datagram.subarray(0, 16));
    copy[10] = 0x42;
    expect(decoder.decode(fragment(0, copy, true))).toBe('fragment');
    expect(decoder.packet.fragment?.overlap).toBe(false);
    expect(decoder.decode(fragment(16, datagram.subarray(16), false))).toBe('ok');
    expect(payloadOf(decoder.packet)[2]).toBe(0x41);
  });

  it('bounds the datagrams it holds', () => {
    const decoder = createPacketDecoder({ maxDatagrams: 4, maxFragments: 4, timeoutMs: 30_000 });
    for (let id = 0; id < 50; id++) decoder.decode(fragment(0, datagram.subarray(0, 16), true, id));
    expect(decoder.fragments.size).toBeLessThanOrEqual(4);
    expect(decoder.fragments.dropped).toBe(46);
  });
});

describe('packet decoder: IPv6 (RFC 8200)', () => {
  const segment = tcpSegment({ srcPort: 443, dstPort: 50000, flags: flags.ack | flags.psh, payload: 'hi' });

  it('walks hop-by-hop, routing, destination options and AH headers', () => {
    // Each generic extension (section 4.2): next header, length in 8-octet units beyond the first 8, data.
    const hopByHop = [43, 0, 1, 4, 0, 0, 0, 0];
    const routing = [60, 0, 0, 0, 0, 0, 0, 0];
    const destination = [51, 1, ...Array(14).fill(0)];
    // AH (RFC 4302 section 2): next header, payload length in 4-octet units minus 2, reserved, SPI, sequence, ICV.
    const authentication = [6, 4, 0, 0, ...Array(20).fill(0)];
    const packet = ipv6Packet({
      src: '2001:db8::1',
      dst: 'fe80::1:0:0:2',
      nextHeader: 0,
      payload: segment,
      extensions: [...hopByHop, ...routing, ...destination, ...authentication],
    });
    const decoder = createPacketDecoder();
    expect(decoder.decode(record(ethernetFrame(packet, 0x86dd)))).toBe('ok');
    expect([
      decoder.packet.ipVersion,
      decoder.packet.src,
      decoder.packet.dst,
      decoder.packet.srcPort,
    ]).toEqual([6, '2001:db8::1', 'fe80::1:0:0:2', 443]);
    expect(new TextDecoder().decode(payloadOf(decoder.packet))).toBe('hi');
  });

  it('reassembles fragment headers and rejects a header chain that overruns the packet', () => {
    const decoder = createPacketDecoder();
    const frag = (offset: number, more: boolean, bytes: Uint8Array) =>
      record(
        ethernetFrame(
          ipv6Packet({
            src: '::1',
            dst: '::2',
            nextHeader: 44,
            payload: bytes,
            extensions: [6, 0, (offset >> 8) & 0xff, (offset & 0xf8) | (more ? 1 : 0), 0, 0, 0, 9],
          }),
          0x86dd,
        ),
      );
    expect(decoder.decode(frag(0, true, segment.subarray(0, 16)))).toBe('fragment');
    expect(decoder.decode(frag(16, false, segment.subarray(16)))).toBe('ok');
    expect([decoder.packet.src, decoder.packet.srcPort, payloadOf(decoder.packet).length]).toEqual([
      '::1',
      443,
      2,
    ]);
    const broken = ipv6Packet({
      src: '::1',
      dst: '::2',
      nextHeader: 0,
      payload: new Uint8Array(0),
      extensions: [6, 9, 0, 0, 0, 0, 0, 0],
    });
    expect(decoder.decode(record(ethernetFrame(broken, 0x86dd)))).toBe('malformed-ip');
  });
});

describe('packet decoder: TCP, UDP, ICMP edge cases', () => {
  const ip4 = (protocol: number, payload: Uint8Array) =>
    record(ethernetFrame(ipv4Packet({ src: '10.0.0.1', dst: '10.0.0.2', protocol, payload }), 0x0800));

  it('rejects a TCP data offset below 5 words and an option whose length overruns the header', () => {
    const decoder = createPacketDecoder();
    const segment = tcpSegment({ srcPort: 1, dstPort: 2 });
    segment[12] = 0x40;
    expect(decoder.decode(ip4(6, segment))).toBe('malformed-tcp');
    expect(decoder.decode(ip4(6, tcpSegment({ srcPort: 1, dstPort: 2, options: [2, 9, 0, 0] })))).toBe(
      'malformed-tcp',
    );
  });

  it('rejects a UDP length that is below 8 or beyond the IP payload', () => {
    const decoder = createPacketDecoder();
    const datagram = udpDatagram({ srcPort: 1, dstPort: 2, payload: 'x' });
    datagram[5] = 4;
    expect(decoder.decode(ip4(17, datagram))).toBe('malformed-udp');
    datagram[5] = 200;
    expect(decoder.decode(ip4(17, datagram))).toBe('malformed-udp');
  });

  it('reads ICMP and ICMPv6 types (RFC 792, RFC 4443) and passes other transports through', () => {
    const decoder = createPacketDecoder();
    expect(decoder.decode(ip4(1, icmpMessage(8)))).toBe('ok');
    expect([decoder.packet.transport, decoder.packet.icmpType, decoder.packet.icmpCode]).toEqual([
      'icmp',
      8,
      0,
    ]);
    const v6 = ipv6Packet({ src: '::1', dst: '::2', nextHeader: 58, payload: icmpMessage(128) });
    expect(decoder.decode(record(ethernetFrame(v6, 0x86dd)))).toBe('ok');
    expect([decoder.packet.transport, decoder.packet.icmpType]).toEqual(['icmpv6', 128]);
    expect(decoder.decode(ip4(47, new Uint8Array(8)))).toBe('ok');
    expect(decoder.packet.transport).toBe('other');
    expect(decoder.decode(ip4(1, new Uint8Array(2)))).toBe('truncated-icmp');
  });
});

describe('packet decoder: IPv4 options the receiving kernel drops the packet for', () => {
  /** A TCP frame whose IPv4 header carries `options` (padded to 32 bits), IHL and total length fixed up. */
  const withOptions = (options: number[]): Uint8Array => {
    const padded = [...options, ...Array((4 - (options.length % 4)) % 4).fill(0)];
    const segment = tcpSegment({ srcPort: 40000, dstPort: 80, payload: 'x' });
    const ip = ipv4Packet({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, payload: segment });
    const header = Uint8Array.from([...ip.subarray(0, 20), ...padded]);
    header[0] = 0x40 | (header.length / 4);
    const total = header.length + segment.length;
    header[2] = total >> 8;
    header[3] = total & 0xff;
    return ethernetFrame(Uint8Array.from([...header, ...segment]), 0x0800);
  };
  const outcome = (frame: Uint8Array) => createPacketDecoder().decode(record(frame));

  it('drops loose and strict source routing (accept_source_route is off for hosts)', () => {
    expect(outcome(withOptions([0x83, 7, 4, 10, 0, 0, 2]))).toBe('source-routed');
    expect(outcome(withOptions([1, 0x89, 7, 4, 10, 0, 0, 2]))).toBe('source-routed');
  });

  it('drops options whose length is impossible, and reads ordinary ones (record route, NOPs, end of list)', () => {
    expect(outcome(withOptions([7, 1, 0, 0]))).toBe('malformed-ip');
    expect(outcome(withOptions([7, 12, 4, 0]))).toBe('malformed-ip');
    expect(outcome(withOptions([7, 7, 4, 0, 0, 0, 0]))).toBe('ok');
    expect(outcome(withOptions([1, 1, 0, 0x83]))).toBe('ok');
  });
});

describe('packet decoder: IPv6 extension chains as the receiving kernel treats them', () => {
  // Probed on this kernel in a namespace: a SYN behind nine destination-options headers is answered, one behind a
  // routing header with a segment left is dropped, one behind a type 0 routing header with none is answered.
  const segment = tcpSegment({ srcPort: 40000, dstPort: 8080, payload: 'x' });
  const decodeWith = (nextHeader: number, extensions: number[]) => {
    const packet = ipv6Packet({ src: 'fd00::2', dst: 'fd00::1', nextHeader, payload: segment, extensions });
    const decoder = createPacketDecoder();
    return { outcome: decoder.decode(record(ethernetFrame(packet, 0x86dd))), packet: decoder.packet };
  };
  const destinationOptions = (next: number) => [next, 0, 1, 4, 0, 0, 0, 0];

  it('reads a segment behind many destination-options headers (Linux sets no count limit)', () => {
    const chain = Array.from({ length: 12 }, (_, i) => destinationOptions(i === 11 ? 6 : 60)).flat();
    const { outcome, packet } = decodeWith(60, chain);
    expect([outcome, packet.transport, packet.dstPort]).toEqual(['ok', 'tcp', 8080]);
  });

  it('drops a packet whose routing header has segments left (it is for another node), reads one with none', () => {
    const routing = (type: number, left: number) => [6, 2, type, left, 0, 0, 0, 0, ...Array(16).fill(0)];
    expect(decodeWith(43, routing(2, 1)).outcome).toBe('source-routed');
    expect(decodeWith(43, routing(4, 1)).outcome).toBe('source-routed');
    expect(decodeWith(43, routing(0, 0)).outcome).toBe('ok');
  });
});
