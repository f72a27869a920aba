/** The SQS bus through the real AWS SDK against a local SQS (JSON 1.0 protocol, SigV4, queue URLs): routing and size. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsSender } from '#functions/platform/aws-clients.ts';
import { createSqsBus, maxInlineBytes, sqsMessages } from '#functions/platform/bus/sqs-bus.ts';
import { createSqsJobQueue } from '#functions/respond/jobs/sqs-job-queue.ts';
import { type FakeSqs, startFakeSqs } from '../../../helpers/fake-sqs.ts';
import { at, flow, podRef } from '../factories.ts';

const credentials = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local/secret+key' };
const saved = { ...process.env };
let sqs: FakeSqs;

beforeAll(async () => {
  sqs = await startFakeSqs(['learn', 'respond'], credentials);
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  process.env.AWS_ENDPOINT_URL_SQS = sqs.endpoint;
});
afterAll(async () => {
  process.env = saved;
  await sqs.close();
});

const pod = podRef('web-1');

describe('SQS bus (AWS SDK against a local SQS)', () => {
  it('sends a batch to learn and respond, violations to respond only, and reads them back', async () => {
    const bus = createSqsBus(sqsSender('eu-west-1'), {
      learn: sqs.queueUrl('learn'),
      respond: sqs.queueUrl('respond'),
    });
    await bus.publish({ type: 'batch', batchId: 'b1', pod, receivedAt: at(1), findings: [flow()] });
    await bus.publish({ type: 'violations', batchId: 'b1', pod, receivedAt: at(1), violationIds: ['v-1'] });
    const learn = sqsMessages(sqs.drain('learn'));
    const respond = sqsMessages(sqs.drain('respond'));
    expect(learn.map((r) => ('message' in r ? r.message.type : r.error))).toEqual(['batch']);
    expect(respond.map((r) => ('message' in r ? r.message.type : r.error))).toEqual(['batch', 'violations']);
    expect(sqs.refused).toEqual([]);
  });

  it('sends a pointer for a batch beyond the SQS limit', async () => {
    const bus = createSqsBus(sqsSender('eu-west-1'), {
      learn: sqs.queueUrl('learn'),
      respond: sqs.queueUrl('respond'),
    });
    const findings = Array.from({ length: 1500 }, (_, i) => flow({ client: { ip: '10.0.0.1', port: i } }));
    await bus.publish({ type: 'batch', batchId: 'big', pod, receivedAt: at(1), findings });
    const [record] = sqs.drain('learn').Records;
    expect(Buffer.byteLength(record?.body ?? '')).toBeLessThan(maxInlineBytes);
    expect(JSON.parse(record?.body ?? '{}')).toEqual({
      type: 'batch',
      batchId: 'big',
      pod,
      receivedAt: at(1),
    });
    sqs.drain('respond');
  });

  it('puts Slack jobs on the respond queue before enqueue resolves; a wrong queue or key is an error', async () => {
    const queue = createSqsJobQueue(sqsSender('eu-west-1'), sqs.queueUrl('respond'));
    await queue.enqueue({ type: 'reply', channel: 'C1', user: 'U1', text: 'hi' });
    expect(JSON.parse(sqs.drain('respond').Records[0]?.body ?? '{}')).toEqual({
      type: 'reply',
      channel: 'C1',
      user: 'U1',
      text: 'hi',
    });
    await expect(sqsSender('eu-west-1')(sqs.queueUrl('nope'), '{}')).rejects.toThrow('SQS SendMessage');
    process.env.AWS_SECRET_ACCESS_KEY = 'wrong';
    await expect(sqsSender('eu-west-1')(sqs.queueUrl('learn'), '{}')).rejects.toThrow('SQS SendMessage');
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    expect(sqs.refused.map((r) => r.split(':')[0])).toEqual([
      'QueueDoesNotExist',
      'InvalidSignatureException',
    ]);
  });
});
