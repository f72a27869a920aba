/** The DynamoDB response store against dynalite: the shared response store contract (a fresh table per case), and TTL items. */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTable } from '#functions/platform/store/dynamodb-table.ts';
import { openDynamoResponseStore } from '#functions/respond/store/dynamodb-response-store.ts';
import { type LocalDynamo, startDynalite } from '#test/functions/platform/store/dynalite.ts';
import { describeResponseStoreContract } from './response-store-contract.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

describeResponseStoreContract('dynamodb (dynalite)', async () => {
  const tableName = await dynamo.createTable();
  const open = () => openDynamoResponseStore({ client: dynamo.client, tableName });
  return { store: open(), reopen: async () => open() };
});

describe('dynamodb response store', () => {
  it('writes the numeric TTL attribute on button interactions and rate windows, never on mutes', async () => {
    const tableName = await dynamo.createTable();
    const store = openDynamoResponseStore({ client: dynamo.client, tableName });
    await store.putInteraction({ id: 'i1', action: 'release', expiresAt: '2026-12-01T00:00:00Z' });
    await store.hit('rate:r1', '2026-11-26T12:00:00Z');
    await store.putMute({
      id: 'm1',
      matchers: [],
      startsAt: '2026-11-26T12:00:00Z',
      endsAt: '2026-11-26T13:00:00Z',
      createdBy: 'api:alice',
      comment: '',
      scope: 'all',
      suppressed: 0,
    });
    const ttl = async (pk: string, sk: string) => {
      const { Item } = await dynamo.client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: pk }, sk: { S: sk } },
          ConsistentRead: true,
        }),
      );
      return Item?.[storeTable.timeToLiveAttribute]?.N;
    };
    expect(Number(await ttl('R#INTERACTION#i1', 'I'))).toBe(Date.parse('2026-12-08T00:00:00Z') / 1000);
    expect(Number(await ttl('R#WINDOW#rate:r1', 'W'))).toBeGreaterThan(Date.now() / 1000);
    expect(await ttl('R#MUTES', 'm1')).toBeUndefined();
  });
});
