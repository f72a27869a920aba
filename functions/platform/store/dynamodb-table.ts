/** The one DynamoDB table both stores share: keys, GSIs and TTL attribute, for the CDK stack and the tests alike. */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export type IndexDefinition = { indexName: string; partitionKey: string; sortKey: string };

/**
 * Every attribute named here is a string except `expiresAt` (epoch seconds, the TTL attribute).
 * The GSIs project ALL attributes: the finding views read whole findings from them.
 */
export const storeTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    { indexName: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  ] as const satisfies readonly IndexDefinition[],
} as const;

export type IndexName = (typeof storeTable.globalSecondaryIndexes)[number]['indexName'];

/** The CreateTable request for this design (on-demand billing, as the stack declares). TTL is set separately. */
export const createTableInput = (tableName: string): CreateTableCommandInput => {
  const keys = [
    storeTable.partitionKey,
    storeTable.sortKey,
    ...storeTable.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: storeTable.partitionKey, KeyType: 'HASH' },
      { AttributeName: storeTable.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: storeTable.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
};
