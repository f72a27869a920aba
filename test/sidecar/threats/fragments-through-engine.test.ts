/** Hostile and ordinary IP fragments through the real decoder, engine and threat runner (not hand-made packet events). */
import { describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { ethernetFrame, icmpMessage, ipv4Packet } from '../decode/build-frame.ts';

const attacker = '10.66.0.2';
const victim = '10.66.0.1';

const frame = (ts: number, o: Parameters<typeof ipv4Packet>[0]) => {
  const data = ethernetFrame(ipv4Packet(o), 0x0800);
  return { ts, linkType: 1, data, originalLength: data.length, offset: 0 };
};

/** An ICMP echo request of `size` data bytes, cut into fragments of at most `mtu` IP bytes like a kernel would. */
const fragmentedEcho = (src: string, dst: string, size: number, mtu: number, id: number, type = 8) => {
  const whole = Uint8Array.from([...icmpMessage(type), ...new Uint8Array(size).fill(0x61)]);
  const step = Math.floor((mtu - 20) / 8) * 8;
  const frames = [];
  for (let at = 0; at < whole.length; at += step) {
    const payload = whole.subarray(at, at + step);
    const more = at + step < whole.length;
    frames.push(frame(1_000 + at / 1000, { src, dst, protocol: 1, payload, id, more, fragmentOffset: at }));
  }
  return frames;
};

const threatsOf = (records: ReturnType<typeof frame>[]): ThreatFinding[] => {
  const engine = createEngine({ observers: [createThreatRunner({ policyDir: false })] });
  for (const record of records) engine.push(record);
  return splitFindings(engine.flush()).threats;
};

describe('IP fragments through the engine', () => {
  it('reports a fragment that ends past 65,535 bytes although reassembly refuses it (ping of death)', () => {
    // What `hping3 --icmp -g 65528 -d 100` sends: 108 ICMP bytes at offset 65,528.
    const payload = Uint8Array.from([...icmpMessage(8), ...new Uint8Array(100)]);
    const found = threatsOf([
      frame(1_000, { src: attacker, dst: victim, protocol: 1, payload, id: 9, fragmentOffset: 65_528 }),
    ]);
    expect(found.map((f) => [f.threat, f.severity, f.client.ip, f.server.ip])).toEqual([
      ['ping-of-death', 'high', attacker, victim],
    ]);
  });

  it('reports an oversized ping once, from the sender, and no fragment attack for kernel-style fragments', () => {
    const found = threatsOf([
      ...fragmentedEcho(attacker, victim, 3_000, 1_500, 1),
      ...fragmentedEcho(victim, attacker, 3_000, 1_500, 2, 0),
    ]);
    expect(found.map((f) => [f.threat, f.severity, f.client.ip])).toEqual([
      ['ping-of-death', 'medium', attacker],
    ]);
  });

  it('leaves an ordinary ping of 1,400 bytes in 1,000-byte fragments alone', () => {
    expect(threatsOf(fragmentedEcho(attacker, victim, 1_400, 1_000, 3))).toEqual([]);
  });
});
