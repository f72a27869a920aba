/**
 * A local SQS endpoint speaking the AWS JSON 1.0 protocol the v3 SDK uses for SendMessage: checks the target,
 * content type, SigV4 signature and queue URL, answers as SQS does (MessageId, MD5OfMessageBody) and keeps
 * the messages so a test can hand them to a consumer as the SQS event Lambda would get.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent } from 'aws-lambda';
import { verifyHeaderSignature } from './sigv4.ts';

export type FakeSqs = {
  endpoint: string;
  queueUrl(name: string): string;
  /** Takes every message sent to the queue so far, as the SQS event a Lambda consumer gets. */
  drain(name: string): SQSEvent;
  /** Requests refused, with the reason SQS would give. */
  refused: string[];
  close(): Promise<void>;
};

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export const startFakeSqs = async (
  queues: string[],
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<FakeSqs> => {
  const messages = new Map<string, { id: string; body: string }[]>(queues.map((name) => [name, []]));
  const refused: string[] = [];
  let endpoint = '';
  const queueUrl = (name: string) => `${endpoint}/123456789012/${name}`;
  const fail = (status: number, type: string, message: string) => {
    refused.push(`${type}: ${message}`);
    return { status, body: { __type: `com.amazonaws.sqs#${type}`, message } };
  };
  /** The AWS JSON 1.0 envelope: POST /, the operation in X-Amz-Target, its content type, a SigV4 signature. */
  const envelope = (request: IncomingMessage, body: Buffer) => {
    if (request.method !== 'POST' || request.url !== '/') return fail(400, 'InvalidAction', 'POST / only');
    if (request.headers['x-amz-target'] !== 'AmazonSQS.SendMessage')
      return fail(400, 'InvalidAction', `unsupported target ${request.headers['x-amz-target']}`);
    if (request.headers['content-type'] !== 'application/x-amz-json-1.0')
      return fail(400, 'InvalidParameterValue', `content type ${request.headers['content-type']}`);
    const wire = { method: 'POST', url: request.url, headers: request.headers, body };
    const signed = verifyHeaderSignature(wire, (id) =>
      id === credentials.accessKeyId ? credentials.secretAccessKey : undefined,
    );
    if (!signed.ok) return fail(403, 'InvalidSignatureException', signed.reason);
    if (signed.service !== 'sqs') return fail(403, 'InvalidSignatureException', 'scope is not sqs');
    return undefined;
  };
  const handle = (request: IncomingMessage, body: Buffer) => {
    const refusal = envelope(request, body);
    if (refusal !== undefined) return refusal;
    const input = JSON.parse(body.toString('utf8')) as { QueueUrl?: string; MessageBody?: string };
    const name = queues.find((candidate) => queueUrl(candidate) === input.QueueUrl);
    if (name === undefined) return fail(400, 'QueueDoesNotExist', `no queue ${input.QueueUrl}`);
    if (typeof input.MessageBody !== 'string' || input.MessageBody === '')
      return fail(400, 'MissingParameter', 'MessageBody');
    if (Buffer.byteLength(input.MessageBody) > 262_144)
      return fail(400, 'InvalidParameterValue', 'message longer than 262144 bytes');
    const id = randomUUID();
    messages.get(name)?.push({ id, body: input.MessageBody });
    const md5 = createHash('md5').update(input.MessageBody).digest('hex');
    return { status: 200, body: { MessageId: id, MD5OfMessageBody: md5 } };
  };
  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const answer = handle(request, body);
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    queueUrl,
    refused,
    drain: (name) => {
      const taken = messages.get(name)?.splice(0) ?? [];
      return {
        Records: taken.map(({ id, body }) => ({
          messageId: id,
          receiptHandle: id,
          body,
          attributes: {} as never,
          messageAttributes: {},
          md5OfBody: createHash('md5').update(body).digest('hex'),
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:eu-west-1:123456789012:${name}`,
          awsRegion: 'eu-west-1',
        })),
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
