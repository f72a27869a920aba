/** An in-memory dynalite server on 127.0.0.1 for the DynamoDB adapters' tests, with tables made as the stack makes them. */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '#functions/platform/store/dynamodb-table.ts';

type Dynalite = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

export type LocalDynamo = {
  client: DynamoDBClient;
  /** Another client of the same server (tests add middleware to it to inject faults). */
  connect(): DynamoDBClient;
  /** Creates a fresh table (a new name each call) exactly as the CDK stack declares it, and waits until it is active. */
  createTable(): Promise<string>;
  close(): Promise<void>;
};

const waitActive = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  for (let i = 0; i < 200; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    if (Table?.TableStatus === 'ACTIVE' && indexes.every((index) => index.IndexStatus === 'ACTIVE')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`dynalite table ${tableName} never became active`);
};

export const startDynalite = async (): Promise<LocalDynamo> => {
  // The SDK's "Node 20 support ends in 2027" notice says nothing about these tests.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const connect = () =>
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  const client = connect();
  return {
    client,
    connect,
    async createTable() {
      // dynalite has no UpdateTimeToLive: the stack's TTL attribute cannot be switched on here (see the ADR).
      const tableName = `meshward-${randomUUID()}`;
      await client.send(new CreateTableCommand(createTableInput(tableName)));
      await waitActive(client, tableName);
      return tableName;
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
};
