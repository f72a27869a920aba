import { describe, expect, it } from 'vitest';
import { snmp } from '#sidecar/protocols/snmp.ts';
import { readSnmpMessage } from '#sidecar/protocols/snmp-message.ts';
import { ascii, contractCheck, feed, hex, tlv } from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

// Captured from net-snmp 5.9 (snmpget, snmpbulkget, snmpd) on this machine with tcpdump.
const v2cGet = hex('302902010104067075626c6963a01c02044dc5211f020100020100300e300c06082b060102010105000500');
const v2cResponse = hex(
  '303402010104067075626c6963a22702044dc5211f0201000201003019301706082b06010201010500040b636865636b6f75742d6462',
);
const v1Get = hex(
  '302d020100040a73336372657443306d6da01c02040fc979cc020100020100300e300c06082b060102010105000500',
);
const v2cBulk = hex('302702010104067075626c6963a51a020448369607020100020103300c300a06062b06010201010500');
/** v3 authPriv: USM parameters, then the scoped PDU as an encrypted OCTET STRING. */
const v3Encrypted = hex(
  '30818c02010330110204273b004b020300ffe3040107020103043d303b041180001f88805435d314fad0096b0000000002010102010204086d65736877617264040cf64f06574b40e257d68068fe0408410e9380d70317130435134361222722ae394ee43183a7b039f464e52618802906a499e96eb8f12062860c2913caf5249a1ce092391d4a16dfa9236cc910d7',
);
/** v3 discovery: noAuthNoPriv, an empty plain scoped PDU; and the agent's Report (usmStatsUnknownEngineIDs). */
const v3Probe = hex(
  '303e02010330110204273b004c020300ffe30401040201030410300e0400020100020100040004000400301404000400a00e02046473b5590201000201003000',
);
const v3Report = hex(
  '307102010330110204273b004c020300ffe30401000201030421301f041180001f88805435d314fad0096b000000000201010201020400040004003036041180001f88805435d314fad0096b000000000400a81f02046473b5590201000201003011300f060a2b060106030f01010400410101',
);

// Built from RFC 1157's ASN.1 (section 4.1.6): a v1 Trap, linkDown from enterprise 1.3.6.1.4.1.8072.
const int = (n: number) => tlv(0x02, Uint8Array.of(n));
const v1Trap = tlv(
  0x30,
  int(0),
  tlv(0x04, ascii('public')),
  tlv(
    0xa4,
    tlv(0x06, hex('2b06010401bf08')),
    tlv(0x40, Uint8Array.of(10, 0, 0, 5)),
    int(2),
    int(0),
    tlv(0x43, Uint8Array.of(0x10)),
    tlv(0x30),
  ),
);

describe('SNMP', () => {
  it('reads versions 1, 2c and 3 as net-snmp sends them', () => {
    expect(readSnmpMessage(v2cGet)).toEqual({
      version: '2c',
      community: 'public',
      pdu: 'GetRequest',
      requestId: 0x4dc5211f,
      errorStatus: 0,
      oids: ['1.3.6.1.2.1.1.5.0'],
      encrypted: false,
    });
    expect(readSnmpMessage(v1Get)).toMatchObject({
      version: '1',
      community: 's3cretC0mm',
      pdu: 'GetRequest',
    });
    expect(readSnmpMessage(v2cBulk)).toMatchObject({
      pdu: 'GetBulkRequest',
      errorStatus: 0,
      oids: ['1.3.6.1.2.1.1'],
    });
    expect(readSnmpMessage(v3Encrypted)).toEqual({
      version: '3',
      user: 'meshward',
      oids: [],
      encrypted: true,
    });
    expect(readSnmpMessage(v3Probe)).toMatchObject({ version: '3', pdu: 'GetRequest', encrypted: false });
    expect(readSnmpMessage(v3Report)).toMatchObject({ pdu: 'Report', oids: ['1.3.6.1.6.3.15.1.1.4.0'] });
    expect(readSnmpMessage(v1Trap)).toMatchObject({ version: '1', pdu: 'Trap', oids: ['1.3.6.1.4.1.8072'] });
  });

  it('names a community only when it is a well-known default, and reports encrypted PDUs as such', () => {
    const events = feed(snmp, [
      ['to-server', v2cGet],
      ['to-client', v2cResponse],
      ['to-server', v1Get],
      ['to-server', v3Encrypted],
      ['to-server', v1Trap],
    ]);
    expect(events).toEqual([
      {
        kind: 'operation',
        direction: 'to-server',
        protocol: 'snmp',
        operation: 'GetRequest',
        detail: 'version=2c community=public oid=1.3.6.1.2.1.1.5.0',
      },
      {
        kind: 'operation',
        direction: 'to-client',
        protocol: 'snmp',
        operation: 'Response',
        detail: 'version=2c community=public oid=1.3.6.1.2.1.1.5.0',
      },
      {
        kind: 'operation',
        direction: 'to-server',
        protocol: 'snmp',
        operation: 'GetRequest',
        detail: 'version=1 community=(set) oid=1.3.6.1.2.1.1.5.0',
      },
      {
        kind: 'operation',
        direction: 'to-server',
        protocol: 'snmp',
        operation: 'encrypted-pdu',
        detail: 'version=3 encrypted',
      },
      {
        kind: 'operation',
        direction: 'to-server',
        protocol: 'snmp',
        operation: 'Trap',
        detail: 'version=1 community=public oid=1.3.6.1.4.1.8072',
      },
    ]);
  });

  it('matches whole messages only: not a version 2, not a Trap in 2c, not an impossible error status', () => {
    for (const sample of [v2cGet, v2cResponse, v1Get, v2cBulk, v3Encrypted, v3Probe, v3Report, v1Trap])
      expect(snmp.detect(sample, 'to-server')).toBe('match');
    const bad = [
      Uint8Array.of(...v2cGet.subarray(0, 4), 2, ...v2cGet.subarray(5)), // version 2 (there is none)
      tlv(0x30, int(1), tlv(0x04, ascii('public')), v1Trap.subarray(v1Trap.indexOf(0xa4))), // a v1 Trap in 2c
      Uint8Array.of(...v2cGet.subarray(0, 25), 99, ...v2cGet.subarray(26)), // error-status 99
      Uint8Array.of(...v2cGet, 0), // a trailing octet
    ];
    for (const sample of bad) expect(snmp.detect(sample, 'to-server')).toBe('no-match');
    // Cut by a snap length: the header says more is coming.
    expect(snmp.detect(v2cGet.subarray(0, 20), 'to-server')).toBe('need-more');
    expect(snmp.detect(Uint8Array.of(0x30), 'to-server')).toBe('need-more');
  });

  it('meets the protocol contract on random and cut input', () => {
    expect(contractCheck(snmp, ['to-server', v2cGet]).randomMatches).toBe(0);
  });

  itRejectsForeignBytes(snmp, ['snmp']);
});
