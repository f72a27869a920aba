/** JDWP from JDK 17's own bytes (jdwp-packets.ts): detection both ways, the session jdb ran, hostile input. */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { jdwp } from '#sidecar/protocols/jdwp.ts';
import { maxPacket } from '#sidecar/protocols/jdwp-framer.ts';
import {
  allClassesCommand,
  allClassesReply,
  breakpointEvent,
  breakpointRequest,
  bySignatureCommand,
  bySignatureReply,
  classPrepareEvent,
  createStringCommand,
  createStringReply,
  exceptionRequest,
  execCommand,
  execReply,
  getRuntimeCommand,
  getRuntimeReply,
  handshake,
  idSizesCommand,
  idSizesReply,
  methodsCommand,
  methodsReply,
  targetMethodsCommand,
  targetMethodsReply,
  versionCommand,
  versionReply,
} from '#test/fixtures/protocols/jdwp-packets.ts';
import {
  ascii,
  concat,
  contractCheck,
  feed,
  feedByteByByte,
  hex,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const ops = (events: unknown[]) =>
  (events as OperationEvent[]).map((e) => [e.direction, e.operation, e.detail]);

/** jdb's session as it ran: handshake, sizes, version, classes, breakpoint, then the print of exec("id"). */
const session: Segment[] = [
  ['to-server', handshake],
  ['to-client', handshake],
  ['to-server', idSizesCommand],
  ['to-client', idSizesReply],
  ['to-server', exceptionRequest],
  ['to-server', versionCommand],
  ['to-client', versionReply],
  ['to-server', allClassesCommand],
  ['to-client', allClassesReply],
  ['to-server', targetMethodsCommand],
  ['to-client', targetMethodsReply],
  ['to-server', breakpointRequest],
  ['to-client', breakpointEvent],
  ['to-server', methodsCommand],
  ['to-client', methodsReply],
  ['to-server', getRuntimeCommand],
  ['to-client', getRuntimeReply],
  ['to-server', createStringCommand],
  ['to-client', createStringReply],
  ['to-server', bySignatureCommand],
  ['to-client', bySignatureReply],
  ['to-server', execCommand],
  ['to-client', execReply],
  ['to-client', classPrepareEvent],
];

const told = [
  ['to-server', 'handshake', undefined],
  ['to-server', 'VirtualMachine.IDSizes', undefined],
  ['to-server', 'EventRequest.Set', undefined],
  ['to-server', 'event-request class-prepare', 'java.lang.Throwable'],
  ['to-server', 'VirtualMachine.Version', undefined],
  ['to-client', 'vm OpenJDK 64-Bit Server VM 17.0.21.1', 'JDWP 17.0'],
  ['to-server', 'VirtualMachine.AllClassesWithGeneric', undefined],
  ['to-client', 'all-classes', '2 classes'],
  ['to-server', 'ReferenceType.MethodsWithGeneric', undefined],
  ['to-server', 'event-request breakpoint', 'Target.tick'],
  ['to-client', 'Event.Composite', undefined],
  ['to-client', 'event breakpoint', undefined],
  ['to-server', 'ClassType.InvokeMethod', undefined],
  ['to-server', 'invoke java.lang.Runtime.getRuntime', undefined],
  ['to-server', 'VirtualMachine.CreateString', undefined],
  ['to-server', 'create-string', 'id'],
  ['to-server', 'VirtualMachine.ClassesBySignature', undefined],
  ['to-server', 'classes-by-signature Ljava/lang/String;', 'java.lang.String'],
  ['to-server', 'ObjectReference.InvokeMethod', undefined],
  ['to-server', 'invoke java.lang.Runtime.exec', '"id"'],
  ['to-client', 'event class-prepare', undefined],
];

describe('jdwp detection', () => {
  it("matches either side's handshake and waits on its prefixes, never on a port", () => {
    expect(jdwp.detect(handshake, 'to-server')).toBe('match');
    expect(jdwp.detect(handshake, 'to-client')).toBe('match');
    expect(jdwp.detect(concat(handshake, idSizesCommand), 'to-server')).toBe('match');
    expect(jdwp.detect(handshake.subarray(0, 5), 'to-server')).toBe('need-more');
    expect(jdwp.detect(ascii('JDWP-handshake'), 'to-server')).toBe('no-match');
    expect(jdwp.detect(ascii('JRMI'), 'to-server')).toBe('no-match');
    expect(jdwp.detect(new Uint8Array(0), 'to-server')).toBe('need-more');
  });

  itRejectsForeignBytes(jdwp, ['jdwp']);
});

describe('jdwp session', () => {
  it('reads what jdb did, from its own bytes: the VM, classes, the breakpoint, and exec("id")', () => {
    expect(ops(feed(jdwp, session))).toEqual(told);
  });

  it('reads the same octet by octet, and a VM that connected out (server=n: the debugger is the TCP server)', () => {
    expect(ops(feedByteByByte(jdwp, session))).toEqual(told);
    const flipped = session.map(([d, b]): Segment => [d === 'to-server' ? 'to-client' : 'to-server', b]);
    expect(ops(feed(jdwp, flipped)).map(([d, o]) => [d === 'to-client', o])).toEqual(
      told.map(([d, o]) => [d === 'to-server', o]),
    );
  });

  it('names ids it was never told by their hex, and honours the IDSizes reply', () => {
    const events = feed(jdwp, [
      ['to-server', handshake],
      ['to-client', handshake],
      ['to-server', execCommand],
    ]);
    expect(ops(events).at(-1)).toEqual([
      'to-server',
      'invoke class@000000000000076f.method@00007fbc00004320',
      'string',
    ]);
    // Object ids of 4 octets: the same exec command written with them.
    const small = feed(jdwp, [
      ['to-server', handshake],
      ['to-client', handshake],
      ['to-server', idSizesCommand],
      ['to-client', hex('0000001f00000001800000 00000008 00000008 00000004 00000008 00000008')],
      ['to-server', hex('000000110000000200010b 00000002 6964')],
      ['to-client', hex('0000000f00000002800000 00000874')],
      [
        'to-server',
        hex(
          '0000003000000003000906 00000873 00000000 000000000000076f 00007fbc00004320 00000001 73 00000874 00000000',
        ),
      ],
    ]);
    expect(ops(small).at(-1)).toEqual([
      'to-server',
      'invoke class@000000000000076f.method@00007fbc00004320',
      '"id"',
    ]);
  });

  it('tells an exit, a redefinition and a padded invoke past the packets it keeps', () => {
    const exit = hex('0000000f000000050001 0a 0000002a');
    const redefine = hex('0000001d000000060001 12 00000001 000000000000076f 00000002 cafe');
    const padded = new Uint8Array(maxPacket + 100);
    padded.set(execCommand);
    new DataView(padded.buffer).setUint32(0, padded.length);
    const events = feed(jdwp, [
      ['to-server', handshake],
      ['to-client', handshake],
      ['to-server', allClassesCommand],
      ['to-client', allClassesReply],
      ['to-server', exit],
      ['to-server', redefine],
      ['to-server', createStringCommand],
      ['to-client', createStringReply],
      ['to-server', padded],
      ['to-server', versionCommand],
    ]);
    expect(ops(events).filter(([, o]) => !/^[A-Z]/.test(o ?? ''))).toEqual([
      ['to-server', 'handshake', undefined],
      ['to-client', 'all-classes', '2 classes'],
      ['to-server', 'exit', 'code 42'],
      ['to-server', 'redefine-classes', '1 classes: java.lang.Runtime'],
      ['to-server', 'create-string', 'id'],
      ['to-server', 'invoke java.lang.Runtime.method@00007fbc00004320', '"id"'],
    ]);
    expect(ops(events).at(-1)?.[1]).toBe('VirtualMachine.Version');
  });

  it('reads a padded invoke cut in segments, skips the rest of it, and reads the next packet', () => {
    const padded = new Uint8Array(maxPacket + 5000);
    padded.set(execCommand);
    new DataView(padded.buffer).setUint32(0, padded.length);
    const stream = concat(handshake, createStringCommand, padded, versionCommand);
    const parser = jdwp.createParser();
    const told: unknown[] = [];
    for (let at = 0; at < stream.length; at += 1448) {
      told.push(...parser.parse(stream.subarray(at, at + 1448), 'to-server', 1));
      if (at === 0) parser.parse(concat(handshake, createStringReply), 'to-client', 1);
    }
    expect(ops(told).map(([, o, d]) => `${o} ${d ?? ''}`.trim())).toEqual([
      'handshake',
      'VirtualMachine.CreateString',
      'create-string id',
      'ObjectReference.InvokeMethod',
      'invoke class@000000000000076f.method@00007fbc00004320 "id"',
      'VirtualMachine.Version',
    ]);
  });

  it('stops a side whose first octets are no handshake or whose length is below the header', () => {
    expect(
      feed(jdwp, [
        ['to-server', ascii('JDWP-Handshakx')],
        ['to-server', versionCommand],
      ]),
    ).toEqual([]);
    const events = feed(jdwp, [
      ['to-server', handshake],
      ['to-server', hex('00000005 00000001 00 01 01')],
      ['to-server', versionCommand],
    ]);
    expect(ops(events)).toEqual([['to-server', 'handshake', undefined]]);
  });

  it('survives random and truncated input', () => {
    const check = contractCheck(jdwp, ['to-server', handshake]);
    expect(check.randomMatches).toBe(0);
    for (let cut = 0; cut < execCommand.length; cut++) {
      const parser = jdwp.createParser();
      parser.parse(handshake, 'to-server', 1);
      const truncated = Uint8Array.from(
        execCommand.subarray(0, cut + 11 > execCommand.length ? execCommand.length : cut),
      );
      if (truncated.length >= 4) new DataView(truncated.buffer).setUint32(0, truncated.length);
      expect(() => parser.parse(truncated, 'to-server', 2)).not.toThrow();
    }
  });
});
