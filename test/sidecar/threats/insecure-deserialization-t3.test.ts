/**
 * insecure-deserialization on WebLogic's T3 through the whole engine: a capture written here (t3-messages.ts: the
 * exploits' handshake and identify request, JDK 17's own streams) on port 8080, identified from its bytes, judged by
 * every registered detector with the shipped policy, as the tap does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  dateStream,
  gadgetStream,
  t3Hello,
  t3Helo,
  t3Message,
} from '#test/fixtures/protocols/t3-messages.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Message, tcpConversation } from '../engine/conversation.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-t3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const weblogic = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };

let n = 0;
const inspect = async (messages: Message[]) => {
  const file = join(dir, `t3-${n++}.pcap`);
  writeFileSync(file, writePcap(tcpConversation(weblogic, messages)).bytes);
  const { findings } = await inspectFile(file, { observers: defaultObservers() });
  return splitFindings(findings);
};

const exploit = (stream: Uint8Array): Message[] => [
  { from: 'client', data: t3Hello },
  { from: 'server', data: t3Helo },
  { from: 'client', data: t3Message(dateStream, stream) },
];

describe('insecure-deserialization on T3', () => {
  it('reports a gadget chain in an identify request critical, on a flow labelled t3 on an HTTP port', async () => {
    const { flows, threats } = await inspect(exploit(gadgetStream));
    expect(flows.map((f) => [f.protocol, f.l7?.operations])).toEqual([
      ['t3', ['handshake', 'helo', 'identify-request']],
    ]);
    expect(threats.map((t) => [t.threat, t.severity, t.evidence])).toEqual([
      [
        'insecure-deserialization',
        'critical',
        `WebLogic T3 identify-request message (java.util.Date, javax.management.BadAttributeValueExpException), carrying Java serialized objects with gadget BadAttributeValueExpException toString trigger (ysoserial CommonsCollections5) — t3 message: ${dateStream.length + 4 + gadgetStream.length} octets`,
      ],
    ]);
  });

  it("names WebLogic's and Coherence's own gadgets, and leaves a client's ordinary streams alone", async () => {
    // CVE-2020-2555's chain starts in Coherence's LimitFilter and runs through its ReflectionExtractor.
    const name = 'com.tangosol.util.extractor.ReflectionExtractor';
    const coherence = concat(
      hex(`aced0005737200${name.length.toString(16)}`),
      new TextEncoder().encode(name),
    );
    const { threats } = await inspect(exploit(coherence));
    expect(threats.map((t) => t.evidence)).toEqual([
      expect.stringContaining('with gadget Oracle Coherence ReflectionExtractor (CVE-2020-2555)'),
    ]);
    const ordinary = await inspect(exploit(dateStream));
    expect(ordinary.flows[0]?.protocol).toBe('t3');
    expect(ordinary.threats).toEqual([]);
  });
});
