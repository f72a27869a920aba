/** RDP from FreeRDP's and xrdp's own bytes (rdp-messages.ts): strict detection, the negotiation, MCS, TLS after. */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { rdp } from '#sidecar/protocols/rdp.ts';
import {
  ascii,
  concat,
  everySplitAgrees,
  feed,
  feedByteByByte,
  hex,
  prng,
} from '#test/fixtures/protocols/protocol-harness.ts';
import {
  freerdpConnectInitial,
  freerdpRequestNla,
  freerdpRequestRdp,
  freerdpRequestTls,
  xrdpConfirmBare,
  xrdpConfirmRdp,
  xrdpConfirmSsl,
  xrdpConnectResponse,
  xrdpDisconnect,
  xrdpFailure,
} from '#test/fixtures/protocols/rdp-messages.ts';
import { clientHelloSample } from '#test/fixtures/protocols/wire-samples.ts';
import { blueKeepChannels, connectInitial, connectionRequest } from '#test/helpers/rdp-pdus.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const ops = (events: unknown[]) =>
  (events as OperationEvent[])
    .filter((e) => e.kind === 'operation')
    .map((e) => [e.direction, e.operation, e.detail ?? '']);

describe('rdp detection', () => {
  it("matches FreeRDP's requests and xrdp's confirms, and waits on their prefixes", () => {
    for (const request of [freerdpRequestTls, freerdpRequestNla, freerdpRequestRdp]) {
      expect(rdp.detect(request, 'to-server')).toBe('match');
      expect(rdp.detect(request.subarray(0, 12), 'to-server')).toBe('need-more');
    }
    for (const confirm of [xrdpConfirmSsl, xrdpConfirmRdp, xrdpConfirmBare, xrdpFailure])
      expect(rdp.detect(confirm, 'to-client')).toBe('match');
    expect(rdp.detect(hex('0300'), 'to-server')).toBe('need-more');
    // A confirm from the client, a request from the server: no.
    expect(rdp.detect(xrdpConfirmSsl, 'to-server')).toBe('no-match');
    expect(rdp.detect(freerdpRequestTls, 'to-client')).toBe('no-match');
  });

  it('refuses TPKTs whose lengths disagree and X.224 requests RDP never sends', () => {
    // The length indicator one short.
    const badLi = Uint8Array.from(freerdpRequestTls);
    badLi[4] = 0x25;
    expect(rdp.detect(badLi, 'to-server')).toBe('no-match');
    // RDP_NEG_REQ claiming 9 octets.
    const badNeg = Uint8Array.from(freerdpRequestTls);
    badNeg[badNeg.length - 6] = 9;
    expect(rdp.detect(badNeg, 'to-server')).toBe('no-match');
    // S7comm's COTP Connection Request (ISO-TSAP, port 102): TPDU size and TSAP parameters, SRC-REF 1.
    expect(rdp.detect(hex('0300001611e00000000100c0010ac1020100c2020102'), 'to-server')).toBe('no-match');
    // An empty request is RDP's only with SRC-REF 0.
    expect(rdp.detect(hex('0300000b06e00000000000'), 'to-server')).toBe('match');
    expect(rdp.detect(hex('0300000b06e00000000100'), 'to-server')).toBe('no-match');
    // A cookie line without its CR LF; a failure with an unknown code.
    expect(rdp.detect(hex('030000140fe00000000000436f6f6b69653a2061'), 'to-server')).toBe('no-match');
    expect(rdp.detect(hex('030000130ed000001234000300080009000000'), 'to-client')).toBe('no-match');
  });

  itRejectsForeignBytes(rdp, []);
});

describe('rdp negotiation', () => {
  it('tells the user and the protocols asked for, and the one xrdp chose; TLS is read from there on', () => {
    const events = feed(rdp, [
      ['to-server', freerdpRequestNla],
      ['to-client', xrdpConfirmSsl],
      ['to-server', clientHelloSample],
    ]);
    expect(ops(events)).toEqual([
      ['to-server', 'connect', 'user=alice requested=ssl,hybrid'],
      ['to-client', 'negotiated', 'protocol=ssl'],
    ]);
    expect(events.find((e) => (e as { kind: string }).kind === 'tls-client-hello')).toMatchObject({
      sni: 'api.example.com',
    });
  });

  it('tells a routing token as such, and control characters in a cookie as dots', () => {
    // A load balancer's routing token ([MS-RDPBCGR] §2.2.1.1: `Cookie: msts=…`), 36 octets: TPKT length 47, LI 42.
    const request = concat(hex('0300002f2ae00000000000'), ascii('Cookie: msts=3640205228.15629.0000\r\n'));
    expect(ops(feed(rdp, [['to-server', request]]))).toEqual([
      ['to-server', 'connect', 'token=msts=3640205228.15629.0000'],
    ]);
    expect(ops(feed(rdp, [['to-server', connectionRequest('ad\u0001min', 1)]]))).toEqual([
      ['to-server', 'connect', 'user=ad.min requested=ssl'],
    ]);
  });

  it("tells a refusal by its code's name, and reads nothing after it", () => {
    const events = feed(rdp, [
      ['to-server', connectionRequest('bob', 0)],
      ['to-client', concat(xrdpFailure, xrdpDisconnect)],
    ]);
    expect(ops(events)).toEqual([
      ['to-server', 'connect', 'user=bob requested=rdp'],
      ['to-client', 'negotiation-failure', 'code=SSL_REQUIRED_BY_SERVER'],
    ]);
  });

  it("reads FreeRDP's Standard RDP Security opening: client name, build, channels; xrdp's encryption", () => {
    const events = feed(rdp, [
      ['to-server', freerdpRequestRdp],
      ['to-client', xrdpConfirmBare],
      ['to-server', freerdpConnectInitial],
      ['to-client', xrdpConnectResponse],
    ]);
    expect(ops(events)).toEqual([
      ['to-server', 'connect', 'user=alice'],
      ['to-client', 'negotiated', 'protocol=rdp implied'],
      [
        'to-server',
        'client-info',
        'name=vm build=18363 keyboard=0x00000409 encryption=40bit,128bit,56bit,fips channels=rdpdr,rdpsnd,cliprdr,drdynvc',
      ],
      ['to-client', 'server-security', 'encryption=128bit level=high'],
      ['to-client', 'encrypted', 'Standard RDP Security (RC4)'],
    ]);
    expect((events[2] as OperationEvent).channels).toEqual(['rdpdr', 'rdpsnd', 'cliprdr', 'drdynvc']);
  });

  it("reads a BlueKeep check's channels as sent, MS_T120 among them", () => {
    const events = feed(rdp, [
      ['to-server', connectionRequest('scanner', 0)],
      ['to-client', xrdpConfirmRdp],
      ['to-server', connectInitial('SCANNER', blueKeepChannels)],
    ]);
    expect(ops(events).slice(0, 2)).toEqual([
      ['to-server', 'connect', 'user=scanner requested=rdp'],
      ['to-client', 'negotiated', 'protocol=rdp'],
    ]);
    expect((events[2] as OperationEvent).channels).toEqual([...blueKeepChannels]);
    expect((events[2] as OperationEvent).detail).toContain('name=SCANNER build=7601');
  });

  it('gives the same events however the segments are cut', () => {
    const session = [
      ['to-server', freerdpRequestRdp],
      ['to-client', xrdpConfirmBare],
      ['to-server', freerdpConnectInitial],
      ['to-client', xrdpConnectResponse],
    ] as const;
    expect(everySplitAgrees(rdp, session).mismatch).toBeUndefined();
    expect(feedByteByByte(rdp, session)).toEqual(feed(rdp, session));
  });

  it('never throws on hostile octets: truncated, garbled, lying lengths', () => {
    const parser = rdp.createParser();
    const garbled = Uint8Array.from(freerdpConnectInitial);
    for (let i = 7; i < garbled.length; i += 5) garbled[i] = (garbled[i] ?? 0) ^ 0xa5;
    expect(() => {
      parser.parse(freerdpRequestRdp, 'to-server', 1);
      parser.parse(xrdpConfirmBare, 'to-client', 2);
      parser.parse(garbled, 'to-server', 3);
      parser.parse(hex('0300ffff02f0807f6582ffff'), 'to-client', 4);
    }).not.toThrow();
    // CS_NET claiming 2^32-1 channels in a block that holds two: the two are read.
    const lying = connectInitial('X', ['rdpdr', 'MS_T120']);
    const at = lying.indexOf(Buffer.from([0x03, 0xc0]));
    lying.writeUInt32LE(0xffffffff, at + 4);
    const events = feed(rdp, [
      ['to-server', connectionRequest('x', 0)],
      ['to-client', xrdpConfirmRdp],
      ['to-server', lying],
    ]);
    expect((events[2] as OperationEvent).channels).toEqual(['rdpdr', 'MS_T120']);
  });
});

describe('rdp on other protocols mutated', () => {
  it("never throws on nDPI's real flows with octets overwritten, cut and lost", () => {
    expect(mutatedFlowsParse(rdp, 1, 3389)).toBeGreaterThan(100);
  });
});

describe('rdp on its own openings mutated', () => {
  it("never throws on FreeRDP's and xrdp's messages with octets overwritten (2,000 sessions)", () => {
    const next = prng(0x0708);
    const session = [freerdpRequestRdp, xrdpConfirmBare, freerdpConnectInitial, xrdpConnectResponse];
    let told = 0;
    for (let round = 0; round < 2000; round++) {
      const parser = rdp.createParser();
      session.forEach((message, i) => {
        const mutated = Uint8Array.from(message);
        for (let n = 0; n < 1 + next() * 6; n++)
          mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
        told += parser.parse(mutated, i % 2 === 0 ? 'to-server' : 'to-client', i).length;
      });
    }
    // Some sessions still read (a mutation in a name or in padding), the others stop: none throws.
    expect(told).toBeGreaterThan(100);
  });
});
