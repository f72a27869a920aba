/**
 * The AWS SDK clients the AWS runtime uses, imported on first use: the SDK is external to every bundle (Lambda's
 * Node.js 22 runtime provides v3), and a function that never reaches AWS never loads it. Endpoints follow the
 * SDK's own settings (AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_DYNAMODB), which is how tests point them at fakes.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AppError } from '#core/errors.ts';
import type { SqsSend } from './bus/sqs-bus.ts';

export const createDynamoClient = async (region: string): Promise<DynamoDBClient> => {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  return new DynamoDBClient({ region });
};

/** SendMessage through one SQS client, created on the first send. */
export const sqsSender = (region: string): SqsSend => {
  let client: Promise<{ send: (queueUrl: string, body: string) => Promise<void> }> | undefined;
  const load = async () => {
    const { SQSClient, SendMessageCommand } = await import('@aws-sdk/client-sqs');
    const sqs = new SQSClient({ region });
    return {
      send: async (queueUrl: string, body: string) => {
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
      },
    };
  };
  return async (queueUrl, body) => {
    client ??= load();
    try {
      await (await client).send(queueUrl, body);
    } catch (error) {
      throw new AppError(
        'unavailable',
        `SQS SendMessage to ${queueUrl} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  };
};
