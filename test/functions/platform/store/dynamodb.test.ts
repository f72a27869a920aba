/** The DynamoDB store against dynalite: the shared contract, plus paging, throttling, crash recovery and TTL items. */
import {
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  DynamoDBClient,
  GetItemCommand,
  type PutItemCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDynamoStore } from '#functions/platform/store/dynamodb.ts';
import { storeTable } from '#functions/platform/store/dynamodb-table.ts';
import type { FindingRecord } from '#functions/platform/store/store.ts';
import { at, flow } from '../factories.ts';
import { type LocalDynamo, startDynalite } from './dynalite.ts';
import { describeStoreContract } from './store-contract.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

describeStoreContract('dynamodb (dynalite)', async () =>
  openDynamoStore({ client: dynamo.client, tableName: await dynamo.createTable() }),
);

const records = (batchId: string, count: number, pad = 0): FindingRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `${batchId}#${i}`,
    batchId,
    namespace: 'shop',
    group: 'shop/frontend',
    kind: 'flow' as const,
    at: at(i % 60),
    finding: flow({
      l7: {
        http: { paths: pad === 0 ? [] : Array.from({ length: 40 }, (_, j) => `/${j}`.padEnd(pad, 'p')) },
      },
    }),
  }));

type Body = object;
/** Sees each command's name and input and decides what the server receives and what the caller gets back. */
type Fault = (command: string, input: Body, send: (input: Body) => Promise<Body>) => Promise<Body>;

/** A store on a fresh table whose client passes every command through `fault` first. */
const faultyStore = async (fault: Fault) => {
  const client = dynamo.connect();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const sent: { result?: Awaited<ReturnType<typeof next>> } = {};
      const output = await fault(context.commandName ?? '', args.input as Body, async (input) => {
        sent.result = await next({ ...args, input: input as typeof args.input });
        return sent.result.output as Body;
      });
      if (sent.result === undefined)
        throw new Error(`the fault answered ${context.commandName} without sending it`);
      return { ...sent.result, output: output as typeof sent.result.output };
    },
    { step: 'initialize', name: 'fault' },
  );
  const tableName = await dynamo.createTable();
  return { store: openDynamoStore({ client, tableName }), tableName };
};

describe('dynamodb store', () => {
  it('follows LastEvaluatedKey when a partition holds more than one 1 MB page', async () => {
    let pages = 0;
    let continued = 0;
    const { store } = await faultyStore(async (command, input, send) => {
      const output = await send(input);
      if (command === 'QueryCommand') {
        pages++;
        if ((output as QueryCommandOutput).LastEvaluatedKey !== undefined) continued++;
      }
      return output;
    });
    await store.putBatch({ batchId: 'p', podUid: 'u', receivedAt: at(0), findings: records('p', 90, 400) });
    expect(await store.listFindings({ batchId: 'p', limit: 10_000 })).toHaveLength(90);
    expect(continued).toBeGreaterThan(0);
    expect(pages).toBeGreaterThan(continued);
  });

  it('costs one read, ceil(2n/25) batch writes and one conditional put per new batch; one read per retry', async () => {
    const calls: string[] = [];
    const { store } = await faultyStore(async (command, input, send) => {
      calls.push(command);
      return send(input);
    });
    await store.putBatch({ batchId: 'n', podUid: 'u', receivedAt: at(0), findings: records('n', 100) });
    const count = (name: string) => calls.filter((call) => call === name).length;
    expect([count('GetItemCommand'), count('BatchWriteItemCommand'), count('PutItemCommand')]).toEqual([
      1, 8, 1,
    ]);
    calls.length = 0;
    await store.putBatch({ batchId: 'n', podUid: 'u', receivedAt: at(0), findings: records('n', 100) });
    expect(calls).toEqual(['GetItemCommand']);
  });

  it('re-sends the items a throttled BatchWriteItem leaves unprocessed', async () => {
    let calls = 0;
    const { store } = await faultyStore(async (command, input, send) => {
      if (command !== 'BatchWriteItemCommand') return send(input);
      calls++;
      // What DynamoDB does under throttling: accept part of the request and hand back the rest.
      const [[tableName, requests = []] = ['', []]] = Object.entries(
        (input as BatchWriteItemCommandInput).RequestItems ?? {},
      );
      const accepted = requests.slice(0, Math.ceil(requests.length / 2));
      const output = (await send({
        ...input,
        RequestItems: { [tableName]: accepted },
      })) as BatchWriteItemCommandOutput;
      const rest = requests.slice(accepted.length);
      return { ...output, UnprocessedItems: rest.length === 0 ? {} : { [tableName]: rest } };
    });
    expect(
      await store.putBatch({ batchId: 't', podUid: 'u', receivedAt: at(0), findings: records('t', 40) }),
    ).toBe('stored');
    expect(calls).toBeGreaterThan(Math.ceil(80 / 25));
    expect(await store.countFindings()).toBe(40);
    expect(await store.listFindings({ batchId: 't', limit: 100 })).toHaveLength(40);
  });

  it('completes a batch on retry when the process died between its findings and its marker', async () => {
    let failMarker = true;
    const { store } = await faultyStore(async (command, input, send) => {
      const item = (input as PutItemCommandInput).Item;
      if (command === 'PutItemCommand' && item?.sk?.S === '#BATCH' && failMarker) {
        failMarker = false;
        throw Object.assign(new Error('connection reset'), { name: 'TimeoutError' });
      }
      return send(input);
    });
    await expect(
      store.putBatch({ batchId: 'c', podUid: 'u', receivedAt: at(0), findings: records('c', 30) }),
    ).rejects.toMatchObject({ code: 'unavailable' });
    expect(
      await store.putBatch({ batchId: 'c', podUid: 'u', receivedAt: at(0), findings: records('c', 30) }),
    ).toBe('stored');
    expect(
      await store.putBatch({ batchId: 'c', podUid: 'u', receivedAt: at(0), findings: records('c', 30) }),
    ).toBe('duplicate');
    expect(await store.countFindings()).toBe(30);
  });

  it('repairs a derived finding whose batch copy was lost, keeping the first record', async () => {
    let failCopies = true;
    const { store } = await faultyStore(async (command, input, send) => {
      if (command === 'BatchWriteItemCommand' && failCopies) {
        failCopies = false;
        throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      }
      return send(input);
    });
    const [first] = records('v', 1);
    const violation = { ...(first as FindingRecord), kind: 'violation' as const };
    await expect(store.putFindings([violation])).rejects.toMatchObject({ code: 'unavailable' });
    expect(await store.listFindings({ batchId: 'v' })).toEqual([]);
    await store.putFindings([{ ...violation, group: 'shop/changed' }]);
    expect(await store.listFindings({ batchId: 'v' })).toEqual([violation]);
  });

  it('writes the numeric TTL attribute the table expires items by', async () => {
    const tableName = await dynamo.createTable();
    const store = openDynamoStore({ client: dynamo.client, tableName });
    await store.putIps([
      { ip: '10.0.0.9', podUid: 'u1', group: 'shop/cart', expiresAt: '2026-11-26T12:00:30.000Z' },
    ]);
    await store.putCommand({ id: 'c1', podUid: 'u1', expiresAt: 1_800_000_000, token: 't' });
    const raw = async (pk: string, sk: string) =>
      (
        await dynamo.client.send(
          new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: sk } } }),
        )
      ).Item?.[storeTable.timeToLiveAttribute]?.N;
    expect(await raw('IP#10.0.0.9', 'IP')).toBe(String(Date.parse('2026-11-26T12:00:30Z') / 1000));
    expect(await raw('CMD#u1', 'c1')).toBe('1800000000');
  });

  it('names an item over 400 KB as too large and an empty key as bad input', async () => {
    const store = openDynamoStore({ client: dynamo.client, tableName: await dynamo.createTable() });
    const [huge] = records('huge', 1);
    const padded = { ...(huge as FindingRecord), finding: flow({ notes: ['x'.repeat(450_000)] }) };
    await expect(store.putFindings([padded])).rejects.toMatchObject({ code: 'too-large' });
    await expect(store.getGroup('')).rejects.toMatchObject({ code: 'bad-request', message: /empty key/ });
  });

  it('refuses a bad table name and reports an unreachable DynamoDB as unavailable', async () => {
    expect(() => openDynamoStore({ client: dynamo.client, tableName: 'x' })).toThrow(/table name 'x'/);
    const client = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'local',
      maxAttempts: 1,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const store = openDynamoStore({ client, tableName: 'meshward' });
    await expect(store.getGroup('shop/cart')).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/^DynamoDB GetItem failed/),
    });
    client.destroy();
  });
});
