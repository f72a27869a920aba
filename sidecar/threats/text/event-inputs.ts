/** The attacker-controllable values of an event: HTTP request parts, Redis command arguments, other operations' details. */
import type { ProtocolEvent } from '../../events.ts';
import { httpInputs } from './http-inputs.ts';
import { type PayloadInput, payloadInput } from './payload-input.ts';

const maxArgs = 64;
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
  if (event.kind === 'redis-command') {
    return event.args
      .slice(0, maxArgs)
      .map((arg, i) => payloadInput(`redis ${event.command} arg ${i + 1}`, arg));
  }
  if (event.kind === 'operation' && event.detail !== undefined) {
    return [payloadInput(`${event.protocol} ${event.operation}`, event.detail)];
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
