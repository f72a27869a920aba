/** The attacker-controllable values of an event: HTTP request parts, Redis command arguments, other operations' details. */
import type { ProtocolEvent } from '../../events.ts';
import { httpInputs } from './http-inputs.ts';
import { type PayloadInput, payloadInput } from './payload-input.ts';

const maxArgs = 64;
const cache = new WeakMap<ProtocolEvent, readonly PayloadInput[]>();

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
  const cached = cache.get(event);
  if (cached !== undefined) return cached;
  const inputs = extract(event);
  cache.set(event, inputs);
  return inputs;
};
