/** jdwp-abuse on what the JDWP parser tells from jdb's own bytes (jdwp-packets.ts), and on made-up operations. */
import { describe, expect, it } from 'vitest';
import type { OperationEvent, ProtocolEvent } from '#sidecar/events.ts';
import { jdwp } from '#sidecar/protocols/jdwp.ts';
import { jdwpAbuse } from '#sidecar/threats/jdwp-abuse.ts';
import {
  allClassesCommand,
  allClassesReply,
  breakpointEvent,
  breakpointRequest,
  createStringCommand,
  createStringReply,
  execCommand,
  execReply,
  getRuntimeCommand,
  getRuntimeReply,
  handshake,
  methodsCommand,
  methodsReply,
  targetMethodsCommand,
  targetMethodsReply,
  versionCommand,
  versionReply,
} from '#test/fixtures/protocols/jdwp-packets.ts';
import type { Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { flow, runThreat } from './threat-factories.ts';

const jdwpFlow = flow({ protocol: 'jdwp', server: { ip: '10.0.0.9', port: 5005 } });

/** jdb attaching, reading the VM's classes and stopping at a breakpoint: a debugger stepping through code. */
const stepping: Segment[] = [
  ['to-server', handshake],
  ['to-client', handshake],
  ['to-server', versionCommand],
  ['to-client', versionReply],
  ['to-server', allClassesCommand],
  ['to-client', allClassesReply],
  ['to-server', targetMethodsCommand],
  ['to-client', targetMethodsReply],
  ['to-server', breakpointRequest],
  ['to-client', breakpointEvent],
];
/** Then its `print java.lang.Runtime.getRuntime().exec("id")`. */
const exec: Segment[] = [
  ['to-server', methodsCommand],
  ['to-client', methodsReply],
  ['to-server', getRuntimeCommand],
  ['to-client', getRuntimeReply],
  ['to-server', createStringCommand],
  ['to-client', createStringReply],
  ['to-server', execCommand],
  ['to-client', execReply],
];

const events = (segments: readonly Segment[]): ProtocolEvent[] => {
  const parser = jdwp.createParser();
  return segments.flatMap(([direction, bytes], i) => parser.parse(bytes, direction, i));
};

const flipped = (segments: readonly Segment[]): Segment[] =>
  segments.map(([d, b]): Segment => [d === 'to-server' ? 'to-client' : 'to-server', b]);

const op = (operation: string, detail?: string): OperationEvent => {
  const event: OperationEvent = {
    kind: 'operation',
    ts: 1,
    direction: 'to-server',
    protocol: 'jdwp',
    operation,
  };
  if (detail !== undefined) event.detail = detail;
  return event;
};

const judged = (list: ProtocolEvent[], config: Record<string, unknown> = {}) =>
  runThreat(jdwpAbuse, list, { flow: jdwpFlow, config }).map((h) => [h.severity, h.evidence]);

describe('jdwp-abuse', () => {
  it('reports jdb running exec("id") critical, naming the command, and the debugger attached high', () => {
    expect(judged(events([...stepping, ...exec]))).toEqual([
      [
        'high',
        'A JDWP debugger at 10.0.0.5 attached to the JVM at 10.0.0.9:5005: its debug port lets whoever connects run any code in it',
      ],
      [
        'critical',
        'a JDWP debugger invoked java.lang.Runtime.exec("id") in the JVM at 10.0.0.9:5005 (code run through the debug port)',
      ],
    ]);
  });

  it('leaves an allowed debugger stepping through code alone, and still reports its exec', () => {
    const allowed = { allowClients: ['10.0.0.0/24'] };
    expect(judged(events(stepping), allowed)).toEqual([]);
    expect(judged(events([...stepping, ...exec]), allowed).map(([s]) => s)).toEqual(['critical']);
    expect(judged(events(stepping), { sessionSeverity: 'off' })).toEqual([]);
    expect(judged(events(stepping)).map(([s]) => s)).toEqual(['high']);
  });

  it('judges the debugger when the VM connected out to it (server=n), never the VM', () => {
    const hits = judged(events(flipped([...stepping, ...exec])));
    expect(hits.map(([s, e]) => [s, e?.split(':')[0]])).toEqual([
      ['high', 'A JDWP debugger at 10.0.0.9 attached to the JVM at 10.0.0.5'],
      ['critical', 'a JDWP debugger invoked java.lang.Runtime.exec("id") in the JVM at 10.0.0.5'],
    ]);
    // What the VM side says (its own events, replies) is never taken for the debugger's.
    const fromVm = { ...op('invoke java.lang.Runtime.exec'), direction: 'to-client' as const };
    expect(judged([op('handshake'), fromVm]).map(([s]) => s)).toEqual(['high']);
  });

  it('reports the other ways to run code, and follows the lists', () => {
    const list = [
      op('handshake'),
      op('invoke java.lang.ProcessBuilder.<init>', 'array; strings created before: "sh", "-c"'),
      op('invoke java.lang.Class.forName', '"Evil"'),
      op('exit', 'code 1'),
      op('redefine-classes', '1 classes: Target'),
      op('invoke class@0000076f.exec', '"id"'),
      op('invoke class@0000076f.method@00004320', '"id"'),
      op('invoke java.lang.String.valueOf', '"id"'),
      op('create-string', 'id'),
    ];
    const hits = runThreat(jdwpAbuse, list, { flow: jdwpFlow, config: { allowClients: ['10.0.0.5'] } });
    expect(hits.map((h) => [h.confidence, h.evidence.split(' in the JVM')[0]])).toEqual([
      [
        1,
        'a JDWP debugger invoked java.lang.ProcessBuilder.<init>(array; strings created before: "sh", "-c")',
      ],
      [1, 'a JDWP debugger invoked java.lang.Class.forName("Evil")'],
      [1, 'a JDWP debugger made the VM exit (VirtualMachine.Exit, code 1)'],
      [1, 'a JDWP debugger redefined classes (VirtualMachine.RedefineClasses, 1 classes: Target)'],
      [0.95, 'a JDWP debugger invoked class@0000076f.exec("id")'],
    ]);
    const narrow = { methods: ['java.lang.String.valueOf'], commands: [], sessionSeverity: 'off' };
    expect(judged(list, narrow).map(([, e]) => e?.split('(')[0])).toEqual([
      'a JDWP debugger invoked java.lang.String.valueOf',
    ]);
    expect(() => jdwpAbuse.config.parse({ methods: ['Runtime exec'] })).toThrow();
    expect(() => jdwpAbuse.config.parse({ allowClients: ['debugger.local'] })).toThrow();
  });

  it("leaves other protocols' operations alone", () => {
    expect(judged([{ ...op('invoke java.lang.Runtime.exec'), protocol: 'rmi' }])).toEqual([]);
  });
});
