/**
 * What an operation event tells of a STOMP frame: the command, with its destination when it names one
 * (`SEND /queue/orders`, so the flow's summary lists the destinations), and a few headers as `name=value`. Never a
 * `passcode`; bodies are not told (a SEND's is handed to insecure-deserialization as `serialized`, stomp-parser.ts).
 */
import type { StompHead } from './stomp-frame.ts';

/** A header value or destination as told: at most this long. */
const maxValue = 256;

/** The headers told, by command. */
const told: Readonly<Record<string, readonly string[]>> = {
  CONNECT: ['accept-version', 'host', 'login', 'heart-beat', 'client-id'],
  STOMP: ['accept-version', 'host', 'login', 'heart-beat', 'client-id'],
  CONNECTED: ['version', 'server', 'heart-beat', 'session'],
  SEND: ['transaction', 'receipt', 'content-type', 'transformation', 'content-length'],
  MESSAGE: ['subscription', 'message-id', 'content-type', 'transformation'],
  SUBSCRIBE: ['id', 'ack', 'selector'],
  UNSUBSCRIBE: ['id'],
  BEGIN: ['transaction'],
  COMMIT: ['transaction'],
  ABORT: ['transaction'],
  ACK: ['id', 'message-id', 'transaction'],
  NACK: ['id', 'message-id', 'transaction'],
  DISCONNECT: ['receipt'],
  RECEIPT: ['receipt-id'],
  ERROR: ['message', 'receipt-id'],
};

const withDestination = new Set(['SEND', 'MESSAGE', 'SUBSCRIBE', 'UNSUBSCRIBE']);

export type StompOperation = { operation: string; detail: string };

/** The operation and detail of a frame; `extra` (an ACK's count) is appended to the detail. */
export const stompOperation = (head: StompHead, extra = ''): StompOperation => {
  const { command, headers } = head;
  const destination = headers.get('destination');
  const operation =
    withDestination.has(command) && destination !== undefined && destination !== ''
      ? `${command} ${destination.slice(0, maxValue)}`
      : command;
  const parts = (told[command] ?? []).flatMap((name) => {
    const value = headers.get(name);
    return value === undefined ? [] : [`${name}=${value.slice(0, maxValue)}`];
  });
  if (extra !== '') parts.push(extra);
  return { operation, detail: parts.join(' ') };
};
