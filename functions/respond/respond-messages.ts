/** Reads an SQS event for respond: each record a bus message (a stored batch) or a respond job from the Slack edge. */
import type { SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { busMessageSchema } from '#functions/platform/bus/bus.ts';
import { type SqsRecord, sqsRecords } from '#functions/platform/bus/sqs-bus.ts';
import { respondJobSchema } from './jobs/respond-job.ts';

const respondMessageSchema = z.union([busMessageSchema, respondJobSchema]);
export type RespondMessage = z.infer<typeof respondMessageSchema>;

export type RespondRecord = SqsRecord<RespondMessage>;

export const respondMessages = (event: SQSEvent): RespondRecord[] => sqsRecords(event, respondMessageSchema);
