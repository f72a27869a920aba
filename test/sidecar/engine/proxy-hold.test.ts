/**
 * A PROXY header held while incomplete (proxy-stage.ts, ADR 25) never delays past its end nor loses a byte: cut at
 * every octet, cut around a server that spoke first, lost bytes right after it or inside it, the connection closing
 * inside it; and, for random headers and tails cut at random points, the flow reads the same as unsplit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import type { PacketRecord } from '#sidecar/capture/packet-record.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { noProxyHeader } from '#sidecar/engine/flow-state.ts';
import { ascii, concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { clientHelloSample } from '#test/fixtures/protocols/wire-samples.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Message, tcpConversation } from './conversation.ts';

const balancer = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };
const v1 = 'PROXY TCP4 203.0.113.9 10.0.0.2 51234 8080\r\n';
/** Version 2, PROXY, TCP over IPv4: 198.51.100.7:54321 → 10.0.0.2:443, no TLVs. */
const v2 = hex('0d0a0d0a000d0a515549540a 21 11 000c c6336407 0a000002 d431 01bb');
const request = 'GET /search?q=1 HTTP/1.1\r\nHost: shop\r\n\r\n';
const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

const flowsOf = (records: PacketRecord[]): FlowFinding[] => {
  const engine = createEngine();
  for (const r of records) engine.push(r);
  return splitFindings(engine.flush()).flows;
};
const run = (messages: Message[]) => flowsOf(tcpConversation(balancer, messages));
/** What the flow read: protocol, L7 summary, TLS, header and notes (not packet counts or times). */
const reading = (f: FlowFinding | undefined) =>
  JSON.stringify([f?.protocol, f?.l7, f?.tls, f?.proxy, f?.notes, f?.bytes, f?.evidence]);

describe('a PROXY header held while incomplete', () => {
  it('gives the same flow wherever the client bytes are cut, version 1 before HTTP and version 2 before TLS', () => {
    for (const whole of [ascii(`${v1}${request}`), concat(v2, clientHelloSample)]) {
      const once = reading(
        run([
          { from: 'client', data: whole },
          { from: 'server', data: ok },
        ])[0],
      );
      expect(once).toMatch(/"203\.0\.113\.9"|"198\.51\.100\.7"/);
      for (let cut = 1; cut < whole.length; cut++) {
        const flows = run([
          { from: 'client', data: whole.subarray(0, cut) },
          { from: 'client', data: whole.subarray(cut) },
          { from: 'server', data: ok },
        ]);
        expect([cut, reading(flows[0])]).toEqual([cut, once]);
      }
    }
  });

  it('is read off a client that speaks after the server matched (SMTP), wherever the greeting cuts it', () => {
    const client = `${v1}EHLO app\r\n`;
    for (let cut = 0; cut < client.length; cut++) {
      const messages: Message[] = [
        { from: 'server', data: '220 mx ESMTP\r\n' },
        { from: 'client', data: client.slice(cut) },
        { from: 'server', data: '250 mx\r\n' },
      ];
      if (cut > 0) messages.unshift({ from: 'client', data: client.slice(0, cut) });
      const [flow] = run(messages);
      expect([cut, flow?.protocol, flow?.proxy?.client?.ip, flow?.l7?.operations]).toEqual([
        cut,
        'smtp',
        '203.0.113.9',
        expect.arrayContaining(['EHLO']),
      ]);
    }
  });

  it('lets go of a header when bytes are lost inside it, and keeps one read when they are lost right after', () => {
    const messages: Message[] = [
      { from: 'client', data: v1.slice(0, 20) },
      { from: 'client', data: v1.slice(20) },
      { from: 'client', data: 'LOST' },
      { from: 'client', data: request },
      { from: 'server', data: ok },
    ];
    // Records 0–2 are the handshake; 3 and 4 the header's two halves; 5 the four octets lost.
    const after = flowsOf(tcpConversation(balancer, messages).filter((_, i) => i !== 5))[0];
    expect(after).toMatchObject({ protocol: 'http', proxy: { client: { ip: '203.0.113.9' } } });
    expect(after?.l7?.http?.paths).toEqual(['/search']);
    const inside = flowsOf(tcpConversation(balancer, messages).filter((_, i) => i !== 4))[0];
    expect(inside?.proxy).toBeUndefined();
    expect(inside?.notes).toContain('PROXY header not read: bytes were lost inside its PROXY header');
    expect(inside?.bytes?.toServer).toBe(20 + 4 + request.length);
  });

  it('hands what it held to the parser when the connection closes inside the header', () => {
    const [flow] = run([
      { from: 'server', data: '220 mx ESMTP\r\n' },
      { from: 'client', data: 'PROXY TCP4 203.0' },
    ]);
    expect(flow).toMatchObject({
      protocol: 'smtp',
      notes: ['PROXY header not read: the connection ended inside its PROXY header'],
    });
    expect(Object.isFrozen(noProxyHeader) && Object.keys(noProxyHeader)).toEqual([]);
  });

  it('reads the same, for random headers and tails cut at random points, as unsplit (property)', () => {
    const starts = [
      ascii(v1),
      v2,
      ascii('PROXY UNKNOWN\r\n'),
      ascii('PROXY TCP4 1.2.3.4'),
      v2.subarray(0, 14),
    ];
    const tails = [ascii(request), clientHelloSample, ascii('EHLO a\r\n'), new Uint8Array(0)];
    fc.assert(
      fc.property(
        fc.constantFrom(...starts),
        fc.uint8Array({ maxLength: 8 }),
        fc.constantFrom(...tails),
        fc.array(fc.nat({ max: 200 }), { maxLength: 5 }),
        (start, noise, tail, cuts) => {
          const whole = concat(start, noise, tail);
          const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...points, whole.length]
            .slice(1)
            .map((end, i, all) => whole.subarray(i === 0 ? 0 : (all[i - 1] ?? 0), end))
            .filter((p) => p.length > 0);
          const once = reading(
            run([
              { from: 'client', data: whole },
              { from: 'server', data: ok },
            ])[0],
          );
          const split = run([
            ...pieces.map((data): Message => ({ from: 'client', data })),
            { from: 'server', data: ok },
          ]);
          expect(reading(split[0])).toBe(once);
        },
      ),
      { seed: 20261128, numRuns: 200 },
    );
  });
});
