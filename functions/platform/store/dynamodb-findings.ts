/** Findings and batches on DynamoDB: idempotent by conditional writes, read back by id, batch or sharded view. */
import type { AttributeValue, QueryCommandInput } from '@aws-sdk/client-dynamodb';
import {
  batchCopyItem,
  batchMarkerItem,
  batchMarkerKey,
  everyFinding,
  type FindingSource,
  findingItem,
  findingKey,
  findingSource,
} from './dynamodb-finding-keys.ts';
import {
  countItems,
  getItem,
  mapLimited,
  putIfAbsent,
  putRequest,
  queryItems,
  type Table,
  writeAll,
} from './dynamodb-io.ts';
import { dataOf, str } from './dynamodb-item.ts';
import type { FindingFilter, FindingRecord, Store } from './store.ts';

type FindingMethods = Pick<
  Store,
  'putBatch' | 'putFindings' | 'getFinding' | 'listFindings' | 'countFindings'
>;

/** Newest first, ties by id descending: the order the SQLite adapter returns. */
const newestFirst = (a: FindingRecord, b: FindingRecord): number => {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
};

/** The key condition for one partition: the time window becomes a range on the `at#id` sort key. */
const keyCondition = (source: FindingSource, filter: FindingFilter) => {
  const prefix = source.skPrefix;
  const values: Record<string, AttributeValue> = {};
  let range = '';
  if (filter.since !== undefined && filter.until !== undefined) {
    values[':lo'] = str(prefix + filter.since);
    values[':hi'] = str(prefix + filter.until);
    range = ' AND #sk BETWEEN :lo AND :hi';
  } else if (filter.since !== undefined) {
    values[':lo'] = str(prefix + filter.since);
    range = ' AND #sk >= :lo';
  } else if (filter.until !== undefined) {
    values[':hi'] = str(prefix + filter.until);
    range = prefix === '' ? ' AND #sk < :hi' : ' AND #sk BETWEEN :prefix AND :hi';
    if (prefix !== '') values[':prefix'] = str(prefix);
  } else if (prefix !== '') {
    values[':prefix'] = str(prefix);
    range = ' AND begins_with(#sk, :prefix)';
  }
  return { expression: `#pk = :pk${range}`, values };
};

/** The leftover filters as a FilterExpression on the items' filter columns. */
const residualFilter = (source: FindingSource) => {
  const entries = Object.entries(source.residual).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  if (entries.length === 0) return undefined;
  return {
    expression: entries.map(([name]) => `#f_${name} = :f_${name}`).join(' AND '),
    names: Object.fromEntries(entries.map(([name]) => [`#f_${name}`, name])),
    values: Object.fromEntries(entries.map(([name, value]) => [`:f_${name}`, str(value)])),
  };
};

const listFrom = async (table: Table, source: FindingSource, filter: FindingFilter, limit: number) => {
  const key = keyCondition(source, filter);
  const residual = residualFilter(source);
  const queries = source.partitions.map((partition) => {
    const input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'> = {
      KeyConditionExpression: key.expression,
      ExpressionAttributeNames: {
        '#pk': source.pkName,
        ...(key.expression.includes('#sk') ? { '#sk': source.skName } : {}),
        ...residual?.names,
      },
      ExpressionAttributeValues: { ':pk': str(partition), ...key.values, ...residual?.values },
      ScanIndexForward: false,
      ConsistentRead: source.consistent,
    };
    if (source.index !== undefined) input.IndexName = source.index;
    if (residual === undefined) input.Limit = limit;
    else input.FilterExpression = residual.expression;
    return queryItems(table, input, limit);
  });
  const records = (await Promise.all(queries)).flat().map((item) => dataOf<FindingRecord>(item));
  return records.sort(newestFirst).slice(0, limit);
};

export const dynamoFindings = (table: Table): FindingMethods => {
  /** The record stored under an id: this one if it is the first, else whichever was there. */
  const storeOnce = async (record: FindingRecord): Promise<FindingRecord> => {
    if (await putIfAbsent(table, findingItem(record))) return record;
    const stored = await getItem(table, findingKey(record.id));
    return stored === undefined ? record : dataOf<FindingRecord>(stored);
  };

  return {
    async putBatch(batch) {
      if ((await getItem(table, batchMarkerKey(batch.batchId))) !== undefined) return 'duplicate';
      // Findings first, the batch marker last: the marker is the commit. A crash in between leaves the
      // batch unmarked, so the tap's retry writes the same items again and then commits.
      await writeAll(
        table,
        batch.findings.flatMap((record) => [
          putRequest(findingItem(record)),
          putRequest(batchCopyItem(record)),
        ]),
      );
      return (await putIfAbsent(table, batchMarkerItem(batch))) ? 'stored' : 'duplicate';
    },

    async putFindings(records) {
      // Canonical item first (conditional: an id stored before keeps its record), then the batch copy of
      // whichever record won, so a retry after a crash repairs a missing copy.
      const winners = await mapLimited(records, 8, storeOnce);
      await writeAll(
        table,
        winners.map((record) => putRequest(batchCopyItem(record))),
      );
    },

    async getFinding(id) {
      const item = await getItem(table, findingKey(id));
      return item === undefined ? undefined : dataOf<FindingRecord>(item);
    },

    async listFindings(filter) {
      const asked = Math.floor(filter.limit ?? 100);
      const limit = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), 10_000) : 100;
      if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) return [];
      return listFrom(table, findingSource(filter), filter, limit);
    },

    async countFindings() {
      const source = everyFinding();
      const counts = await Promise.all(
        source.partitions.map((partition) =>
          countItems(table, {
            IndexName: source.index,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': source.pkName },
            ExpressionAttributeValues: { ':pk': str(partition) },
          }),
        ),
      );
      return counts.reduce((sum, count) => sum + count, 0);
    },
  };
};
