/** The DynamoDB store against dynalite: the shared contract, plus throttled batch writes and table design checks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDynamoStore } from '#functions/platform/store/dynamodb.ts';
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
