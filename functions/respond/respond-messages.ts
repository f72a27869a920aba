/** Reads an SQS event for respond: each record a bus message (a stored batch) or a respond job from the Slack edge. */
import type { SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { describeZodError } from '#core/issue.ts';
import { busMessageSchema } from '#functions/platform/bus/bus.ts';
import { respondJobSchema } from './jobs/respond-job.ts';

const respondMessageSchema = z.union([busMessageSchema, respondJobSchema]);
export type RespondMessage = z.infer<typeof respondMessageSchema>;

export type RespondRecord =
  | { messageId: string; message: RespondMessage }
  | { messageId: string; error: string };

export const respondMessages = (event: SQSEvent): RespondRecord[] =>
  event.Records.map((record) => {
    let raw: unknown;
    try {
      raw = JSON.parse(record.body);
    } catch {
      return { messageId: record.messageId, error: 'body is not JSON' };
    }
    const parsed = respondMessageSchema.safeParse(raw);
    return parsed.success
      ? { messageId: record.messageId, message: parsed.data }
      : { messageId: record.messageId, error: describeZodError(parsed.error).join('; ') };
  });
