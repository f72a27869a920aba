/**
 * SNMP community strings through the whole engine: datagrams net-snmp 5.9 sent on this machine (snmpget v2c with
 * "public", v1 with a community of its own, v3 authPriv), captured with tcpdump, replayed between pod addresses.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { splitFindings, threatsBy } from '#test/helpers/split-findings.ts';
import { udp4Frame } from '../decode/build-frame.ts';
import { record } from '../engine/conversation.ts';

const v2cPublic = hex(
  '302902010104067075626c6963a01c02044dc5211f020100020100300e300c06082b060102010105000500',
);
const v1Secret = hex(
  '302d020100040a73336372657443306d6da01c02040fc979cc020100020100300e300c06082b060102010105000500',
);
const v3AuthPriv = hex(
  '30818c02010330110204273b004b020300ffe3040107020103043d303b041180001f88805435d314fad0096b0000000002010102010204086d65736877617264040cf64f06574b40e257d68068fe0408410e9380d70317130435134361222722ae394ee43183a7b039f464e52618802906a499e96eb8f12062860c2913caf5249a1ce092391d4a16dfa9236cc910d7',
);

const run = () => {
  const engine = createEngine({ observers: [createThreatRunner({ policyDir: false })] });
  for (const [i, payload] of [v2cPublic, v1Secret, v3AuthPriv].entries()) {
    const frame = udp4Frame({ src: '10.0.4.7', dst: '10.0.9.2', srcPort: 40000 + i, dstPort: 161, payload });
    engine.push(record(frame, 1_700_000_000_000 + i));
  }
  return engine.flush();
};

describe('SNMP community strings (engine and threat runner)', () => {
  it('labels every datagram snmp and reports the v1 and v2c communities, naming only the default one', () => {
    const findings = run();
    expect(splitFindings(findings).flows.map((f) => [f.client.port, f.protocol])).toEqual([
      [40000, 'snmp'],
      [40001, 'snmp'],
      [40002, 'snmp'],
    ]);
    const threats = threatsBy(findings, 'cleartext-credentials').map((f) => [f.client.port, f.evidence]);
    expect(threats).toEqual([
      [40000, 'an SNMPv2c community string (GetRequest), the well-known default "public" sent unencrypted'],
      [40001, 'an SNMPv1 community string (GetRequest) sent unencrypted'],
    ]);
    expect(JSON.stringify(findings)).not.toContain('s3cretC0mm');
  });
});
