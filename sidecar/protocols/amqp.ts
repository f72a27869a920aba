/** AMQP 0-9-1 (RabbitMQ and friends): protocol header, frames, and method names as operations. */
import type { Direction } from '../events.ts';
import { detectAmqp } from './amqp-frame.ts';
import { createAmqpParser } from './amqp-parser.ts';
import type { Protocol } from './protocol.ts';

export const amqp: Protocol = {
  id: 'amqp',
  transport: 'tcp',
  ports: [5672],
  encrypted: false,
  // The same frames flow both ways, so one check serves both directions.
  detect: (bytes: Uint8Array, _direction: Direction) => detectAmqp(bytes),
  createParser: createAmqpParser,
};
