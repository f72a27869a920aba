/** The DynamoDB calls the stores make, with the protocol's chores done once: pages, unprocessed items, conditions. */
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { AppError } from '#core/errors.ts';
import { dataOf, type Item, itemKey, type Key, keyOf, str } from './dynamodb-item.ts';

export type Table = { client: DynamoDBClient; tableName: string };

/** The table both stores write to, its name checked as DynamoDB would (3 to 255 characters). */
export const dynamoTable = (options: Table): Table => {
  if (options.tableName.length < 3)
    throw new AppError(
      'config-invalid',
      `DynamoDB table name '${options.tableName}' is too short (3 to 255 characters)`,
    );
  return { client: options.client, tableName: options.tableName };
};

/** BatchWriteItem's own limit per request. */
const batchSize = 25;
/** Requests in flight per call: enough to hide latency, few enough not to throttle ourselves. */
const concurrency = 4;
const maxAttempts = 10;

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * What DynamoDB refused, as an AppError: an item over 400 KB is too large, another validation error is our
 * bug, anything else (throttling exhausted, network, service) means the dependency is unavailable.
 */
const failed = (operation: string, error: unknown): AppError => {
  const name = error instanceof Error ? error.name : '';
  const message = `DynamoDB ${operation} failed: ${error instanceof Error ? `${name}: ${error.message}` : String(error)}`;
  if (name === 'ValidationException')
    return new AppError(/item size/i.test(message) ? 'too-large' : 'internal', message, { cause: error });
  return new AppError('unavailable', message, { cause: error });
};

const attempt = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (error) {
    throw failed(operation, error);
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `inputs` with at most `limit` in flight, keeping the order of results. */
export const mapLimited = async <T, R>(
  inputs: readonly T[],
  limit: number,
  work: (input: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await work(inputs[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
};

/** A strongly consistent read of one item. */
export const getItem = async (table: Table, key: Key): Promise<Item | undefined> =>
  (
    await attempt('GetItem', () =>
      table.client.send(new GetItemCommand({ TableName: table.tableName, Key: key, ConsistentRead: true })),
    )
  ).Item;

export const putItem = async (table: Table, item: Item): Promise<void> => {
  await attempt('PutItem', () =>
    table.client.send(new PutItemCommand({ TableName: table.tableName, Item: item })),
  );
};

/** Puts the item unless one with its key exists: the idempotency gate. True when this call created it. */
export const putIfAbsent = async (table: Table, item: Item): Promise<boolean> => {
  try {
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw failed('PutItem', error);
  }
};

/** Deletes an item and returns what it held, or undefined if nothing was there (or another caller won). */
export const deleteItem = async (table: Table, key: Key): Promise<Item | undefined> =>
  (
    await attempt('DeleteItem', () =>
      table.client.send(
        new DeleteItemCommand({ TableName: table.tableName, Key: key, ReturnValues: 'ALL_OLD' }),
      ),
    )
  ).Attributes;

/** An UpdateItem; undefined when its condition failed. */
export const updateItem = async (
  table: Table,
  input: Omit<UpdateItemCommandInput, 'TableName'>,
): Promise<Item | undefined> => {
  try {
    const output = await table.client.send(new UpdateItemCommand({ ...input, TableName: table.tableName }));
    return output.Attributes ?? {};
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw failed('UpdateItem', error);
  }
};

/** Follows LastEvaluatedKey until `enough` items came back (after any filter) or the partition is exhausted. */
export const queryItems = async (
  table: Table,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  enough = Number.POSITIVE_INFINITY,
): Promise<Item[]> => {
  const items: Item[] = [];
  let start: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await attempt('Query', () =>
      table.client.send(new QueryCommand({ ...input, TableName: table.tableName, ExclusiveStartKey: start })),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined && items.length < enough);
  return items;
};

/** Every item of one partition, strongly consistent, in sort-key order. */
export const partitionItems = (table: Table, partition: string): Promise<Item[]> =>
  queryItems(table, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': str(partition) },
    ConsistentRead: true,
  });

/** The record stored whole in the `data` attribute of one item, if the item exists. */
export const getBody = async <T>(table: Table, pk: string, sk: string): Promise<T | undefined> => {
  const item = await getItem(table, itemKey(pk, sk));
  return item === undefined ? undefined : dataOf<T>(item);
};

/** Counts a query's matches page by page (Select COUNT reads, but does not return, the items). */
export const countItems = async (
  table: Table,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Select'>,
): Promise<number> => {
  let count = 0;
  let start: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await attempt('Query', () =>
      table.client.send(
        new QueryCommand({ ...input, TableName: table.tableName, Select: 'COUNT', ExclusiveStartKey: start }),
      ),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return count;
};

const requestKey = (request: WriteRequest): string =>
  keyOf((request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {}) as Item);

/** One BatchWriteItem of ≤ 25 requests, re-sending UnprocessedItems with exponential backoff and jitter. */
const writeChunk = async (table: Table, chunk: WriteRequest[]): Promise<void> => {
  let pending = chunk;
  for (let attemptNo = 0; pending.length > 0; attemptNo++) {
    if (attemptNo === maxAttempts)
      throw new AppError(
        'unavailable',
        `DynamoDB BatchWriteItem left ${pending.length} items unprocessed after ${maxAttempts} attempts`,
      );
    if (attemptNo > 0) await sleep(Math.min(1000, 20 * 2 ** attemptNo) * (0.5 + Math.random() / 2));
    const requests = pending;
    const output = await attempt('BatchWriteItem', () =>
      table.client.send(new BatchWriteItemCommand({ RequestItems: { [table.tableName]: requests } })),
    );
    pending = output.UnprocessedItems?.[table.tableName] ?? [];
  }
};

/**
 * Writes (puts and deletes) in batches of 25. One request may not name a key twice, so the last request
 * for a key wins, as it would have if they had been sent one by one. Not atomic: callers order their writes
 * so that a retry after a partial failure converges.
 */
export const writeAll = async (table: Table, requests: readonly WriteRequest[]): Promise<void> => {
  const byKey = new Map<string, WriteRequest>();
  for (const request of requests) {
    const key = requestKey(request);
    byKey.delete(key);
    byKey.set(key, request);
  }
  const unique = [...byKey.values()];
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < unique.length; i += batchSize) chunks.push(unique.slice(i, i + batchSize));
  await mapLimited(chunks, concurrency, (chunk) => writeChunk(table, chunk));
};

export const putRequest = (item: Item): WriteRequest => ({ PutRequest: { Item: item } });
export const deleteRequest = (key: Key): WriteRequest => ({ DeleteRequest: { Key: key } });
