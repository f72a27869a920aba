/** The AWS bus: publishes to the learn and respond SQS queues through an injected sender and reads SQS events back. */
import type { SQSEvent } from 'aws-lambda';
import type { z } from 'zod';
import { describeZodError } from '#core/issue.ts';
import { type Bus, type BusMessage, busConsumers, busMessageSchema } from './bus.ts';

/** SQS allows 256 KiB per message; keep a margin for attributes. */
export const maxInlineBytes = 200_000;

export type SqsQueues = { learn: string; respond: string };

/** `send` is the SQS SendMessage call (AWS SDK or signed fetch), injected so this file needs no SDK. */
export type SqsSend = (queueUrl: string, body: string) => Promise<void>;

const bodyOf = (message: BusMessage): string => {
  const body = JSON.stringify(message);
  if (message.type !== 'batch' || Buffer.byteLength(body) <= maxInlineBytes) return body;
  const { findings: _findings, ...pointer } = message;
  return JSON.stringify(pointer);
};

/** Each message goes to the queue of every consumer it is for (`busConsumers`), in parallel. */
export const createSqsBus = (send: SqsSend, queues: SqsQueues): Bus => ({
  publish: async (message) => {
    const body = bodyOf(message);
    await Promise.all(busConsumers[message.type].map((consumer) => send(queues[consumer], body)));
  },
});

/** One SQS record read against a schema: the message, or why it is not one. */
export type SqsRecord<T> = { messageId: string; message: T } | { messageId: string; error: string };

/** Parses every record of an SQS event with `schema`; a record that does not fit is reported, never thrown. */
export const sqsRecords = <T>(event: SQSEvent, schema: z.ZodType<T>): SqsRecord<T>[] =>
  event.Records.map((record) => {
    let raw: unknown;
    try {
      raw = JSON.parse(record.body);
    } catch {
      return { messageId: record.messageId, error: 'body is not JSON' };
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) return { messageId: record.messageId, message: parsed.data };
    return { messageId: record.messageId, error: describeZodError(parsed.error).join('; ') };
  });

export type SqsRecordMessage = SqsRecord<BusMessage>;

/** Parses every record as a bus message. */
export const sqsMessages = (event: SQSEvent): SqsRecordMessage[] => sqsRecords(event, busMessageSchema);
