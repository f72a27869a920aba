/** The DynamoDB response store against dynalite: the shared response store contract, one fresh table per case. */
import { afterAll, beforeAll } from 'vitest';
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
