/**
 * A JDWP connection read as what the debugger does to the VM. Both sides open with `JDWP-Handshake`; the debugger
 * sends it first (it is the side whose handshake is seen first, the TCP client unless the VM was started with
 * `server=n` and connected out). Then packets both ways: the debugger's commands, the VM's replies paired to them by
 * id (at most 256 waiting), and the VM's own Event.Composite commands. Each command name, event kind and error code
 * is told once per flow; what matters to a detector every time: a class looked up, a string created, a method
 * invoked (`invoke java.lang.Runtime.exec "id"`), an event asked for, the VM made to exit, classes redefined.
 */
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import { commandName } from './jdwp-commands.ts';
import { readDebuggerCommand } from './jdwp-debugger-commands.ts';
import { createFramer, type Framer } from './jdwp-framer.ts';
import type { Told } from './jdwp-invoke.ts';
import { type JdwpReader, jdwpReader } from './jdwp-reader.ts';
import { createJdwpSession, firstTime, limits, type Pending, remember } from './jdwp-session.ts';
import { readVmEvents, readVmReply } from './jdwp-vm-replies.ts';
import type { ProtocolParser } from './protocol.ts';

export const jdwpHandshake = Uint8Array.from(Buffer.from('JDWP-Handshake', 'latin1'));

type Side = { handshake: number; framer: Framer };

export const createJdwpParser = (): ProtocolParser => {
  const session = createJdwpSession();
  const sides: Record<Direction, Side> = {
    'to-server': { handshake: 0, framer: createFramer() },
    'to-client': { handshake: 0, framer: createFramer() },
  };
  let debuggerSide: Direction | undefined;

  const event = (direction: Direction, ts: number, told: Told): OperationEvent => {
    const e: OperationEvent = {
      kind: 'operation',
      ts,
      direction,
      protocol: 'jdwp',
      operation: told.operation,
    };
    if (told.detail !== undefined) e.detail = told.detail;
    return e;
  };

  /** A reply from the VM to the debugger's command of its id; the debugger's replies (to events) say nothing. */
  const reply = (packet: Uint8Array, fromDebugger: boolean): Told | undefined => {
    if (fromDebugger) return undefined;
    const id = Buffer.from(packet.buffer, packet.byteOffset, 8).readUInt32BE(4);
    const pending = session.pending.get(id);
    session.pending.delete(id);
    const error = ((packet[9] ?? 0) << 8) | (packet[10] ?? 0);
    if (error !== 0)
      return firstTime(session, `error ${error}`) ? { operation: `error ${error}` } : undefined;
    return pending === undefined || packet.length <= 11
      ? undefined
      : readVmReply(jdwpReader(packet.subarray(11)), session, pending);
  };

  /** The VM's Event.Composite, by its first event's kind once per flow. */
  const vmEvents = (set: number, cmd: number, r: JdwpReader): Told | undefined => {
    const events = set === 64 && cmd === 100 ? readVmEvents(r, session) : undefined;
    return events !== undefined && firstTime(session, events.operation) ? events : undefined;
  };

  const command = (packet: Uint8Array, fromDebugger: boolean): Told[] => {
    const set = packet[9] ?? 0;
    const cmd = packet[10] ?? 0;
    const name = commandName(set, cmd);
    const told: Told[] = firstTime(session, name) ? [{ operation: name }] : [];
    const r = jdwpReader(packet.subarray(11));
    if (!fromDebugger) {
      const events = vmEvents(set, cmd, r);
      if (events !== undefined) told.push(events);
      return told;
    }
    const pending: Pending = { set, command: cmd };
    remember(
      session.pending,
      Buffer.from(packet.buffer, packet.byteOffset, 8).readUInt32BE(4),
      pending,
      limits.pending,
    );
    const what = packet.length > 11 ? readDebuggerCommand(r, session, pending) : undefined;
    if (what !== undefined) told.push(what);
    return told;
  };

  const packets = (direction: Direction, chunk: Uint8Array, ts: number): ProtocolEvent[] => {
    const fromDebugger = direction === debuggerSide;
    const out: ProtocolEvent[] = [];
    for (const packet of sides[direction].framer.push(chunk)) {
      if (((packet[8] ?? 0) & 0x80) !== 0) {
        const told = reply(packet, fromDebugger);
        if (told !== undefined) out.push(event(direction, ts, told));
      } else for (const told of command(packet, fromDebugger)) out.push(event(direction, ts, told));
    }
    return out;
  };

  /** The octets of `chunk` past this side's handshake, or undefined while it is not through (or was not one). */
  const pastHandshake = (side: Side, chunk: Uint8Array): Uint8Array | undefined => {
    const take = Math.min(jdwpHandshake.length - side.handshake, chunk.length);
    for (let i = 0; i < take; i++)
      if (chunk[i] !== jdwpHandshake[side.handshake + i]) {
        side.framer.stop();
        return undefined;
      }
    side.handshake += take;
    return side.handshake === jdwpHandshake.length ? chunk.subarray(take) : undefined;
  };

  return {
    parse(chunk, direction, ts) {
      const side = sides[direction];
      if (side.handshake === jdwpHandshake.length) return packets(direction, chunk, ts);
      if (side.framer.stopped()) return [];
      const rest = pastHandshake(side, chunk);
      if (rest === undefined) return [];
      const told: ProtocolEvent[] = [];
      if (debuggerSide === undefined) {
        debuggerSide = direction;
        told.push(event(direction, ts, { operation: 'handshake' }));
      }
      if (rest.length > 0) told.push(...packets(direction, rest, ts));
      return told;
    },
    gap(direction) {
      // The framing of this direction is lost; the other goes on (its replies pair with commands already seen).
      sides[direction].framer.stop();
    },
  };
};
