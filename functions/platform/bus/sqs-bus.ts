/** The AWS bus: publishes to SQS through an injected sender and reads SQS events back into bus messages. */
import type { SQSEvent } from 'aws-lambda';
import { describeZodError } from '#core/issue.ts';
import { type Bus, type BusMessage, busMessageSchema } from './bus.ts';

/** SQS allows 256 KiB per message; keep a margin for attributes. */
export const maxInlineBytes = 200_000;

/** `send` is the SQS SendMessage call (AWS SDK or signed fetch), injected so this file needs no SDK. */
export const createSqsBus = (send: (body: string) => Promise<void>): Bus => ({
  publish: async (message) => {
    const body = JSON.stringify(message);
    if (Buffer.byteLength(body) <= maxInlineBytes) return send(body);
    const { findings: _findings, ...pointer } = message;
    return send(JSON.stringify(pointer));
  },
});

export type SqsRecordMessage =
  | { messageId: string; message: BusMessage }
  | { messageId: string; error: string };

/** Parses every record; a record that is not a bus message is reported, never thrown. */
export const sqsMessages = (event: SQSEvent): SqsRecordMessage[] =>
  event.Records.map((record) => {
    let raw: unknown;
    try {
      raw = JSON.parse(record.body);
    } catch {
      return { messageId: record.messageId, error: 'body is not JSON' };
    }
    const parsed = busMessageSchema.safeParse(raw);
    if (parsed.success) return { messageId: record.messageId, message: parsed.data };
    return { messageId: record.messageId, error: describeZodError(parsed.error).join('; ') };
  });
