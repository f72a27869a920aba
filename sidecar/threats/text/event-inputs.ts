/**
 * The attacker-controllable values of an event: HTTP request parts, WebSocket text messages, Redis command arguments,
 * other operations' details.
 */
import type { ProtocolEvent } from '../../events.ts';
import { httpInputs } from './http-inputs.ts';
import { jsonStrings } from './json-strings.ts';
import { type PayloadInput, payloadInput } from './payload-input.ts';

/** Strings judged one by one; past them the whole message is judged as one input, as a request's JSON body is (ADR 30). */
const maxStrings = 256;

/** A text message: its JSON string leaves (most WebSocket APIs speak JSON), else the whole text. */
const websocketInputs = (text: string): readonly PayloadInput[] => {
  const leaves =
    text.trimStart().startsWith('{') || text.trimStart().startsWith('[')
      ? jsonStrings(text, maxStrings)
      : undefined;
  if (leaves === undefined) return [payloadInput('websocket message', text)];
  const inputs = leaves.map(([path, value]) => payloadInput(`websocket json ${path}`, value));
  if (leaves.length >= maxStrings) inputs.push(payloadInput('websocket json (rest)', text));
  return inputs;
};

/**
 * A command's arguments (the parser keeps them up to 64 KiB): past `maxStrings`, the rest judged as one input, an
 * argument a line, as a request's parameters are (ADR 30).
 */
const redisInputs = (command: string, args: readonly string[]): readonly PayloadInput[] => {
  const inputs = args
    .slice(0, maxStrings)
    .map((arg, i) => payloadInput(`redis ${command} arg ${i + 1}`, arg));
  if (args.length > maxStrings)
    inputs.push(payloadInput(`redis ${command} arg (rest)`, args.slice(maxStrings).join('\n')));
  return inputs;
};

/**
 * The last event's inputs: the runner shows one event to each of its detectors in a row, so one entry serves them
 * all (a WeakMap entry per event cost the garbage collector more than it saved).
 */
const last: { event: ProtocolEvent | undefined; inputs: readonly PayloadInput[] } = {
  event: undefined,
  inputs: [],
};

const extract = (event: ProtocolEvent): readonly PayloadInput[] => {
  if (event.kind === 'http-request') return httpInputs(event);
  if (event.kind === 'redis-command') return redisInputs(event.command, event.args);
  if (event.kind === 'operation' && event.detail !== undefined) {
    return [payloadInput(`${event.protocol} ${event.operation}`, event.detail)];
  }
  if (event.kind === 'websocket-message') {
    if (event.text !== undefined) return websocketInputs(event.text);
    if (event.strings !== undefined)
      return event.strings.map(([path, value]) => payloadInput(`websocket msgpack ${path}`, value));
  }
  return [];
};

export const eventInputs = (event: ProtocolEvent): readonly PayloadInput[] => {
  if (last.event === event) return last.inputs;
  const inputs = extract(event);
  last.event = event;
  last.inputs = inputs;
  return inputs;
};
