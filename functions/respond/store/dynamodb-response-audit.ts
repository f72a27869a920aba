/** The audit trail on DynamoDB: written once per id, listed newest first from the whole trail, a target or an actor. */
import type { AttributeValue, QueryCommandInput } from '@aws-sdk/client-dynamodb';
import {
  getItem,
  putIfAbsent,
  putRequest,
  queryItems,
  type Table,
  writeAll,
} from '#functions/platform/store/dynamodb-io.ts';
import { bodyItem, dataOf, itemKey, str } from '#functions/platform/store/dynamodb-item.ts';
import type { AuditFilter, AuditRecord, ResponseStore } from './response-store.ts';

const canonical = (id: string) => `R#AUDIT#${id}`;
const trail = 'R#AUDIT';
const byTarget = (target: string) => `R#AUDIT@T#${target}`;
const byActor = (actor: string) => `R#AUDIT@A#${actor}`;

/** The record under its id, then one copy per listing, all sorted by `at#id`. */
const copies = (record: AuditRecord) => {
  const sk = `${record.at}#${record.id}`;
  const columns = { actor: record.actor, target: record.target, action: record.action };
  return [trail, byTarget(record.target), byActor(record.actor)].map((pk) =>
    bodyItem(pk, sk, record, columns),
  );
};

const newestFirst = (a: AuditRecord, b: AuditRecord): number => {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
};

type Residual = ['actor' | 'action', string];

/** Where to read: the narrowest listing, with the other filters left to a FilterExpression. */
const sourceOf = (filter: AuditFilter): { partition: string; residuals: Residual[] } => {
  const residuals: Residual[] = filter.action === undefined ? [] : [['action', filter.action]];
  if (filter.target !== undefined) {
    if (filter.actor !== undefined) residuals.push(['actor', filter.actor]);
    return { partition: byTarget(filter.target), residuals };
  }
  if (filter.actor !== undefined) return { partition: byActor(filter.actor), residuals };
  return { partition: trail, residuals };
};

/** Newest first from the narrowest listing; `Limit` only when no filter can drop items from a page. */
const auditQuery = (filter: AuditFilter, limit: number): Omit<QueryCommandInput, 'TableName'> => {
  const { partition, residuals } = sourceOf(filter);
  const values: Record<string, AttributeValue> = { ':pk': str(partition) };
  let condition = 'pk = :pk';
  if (filter.since !== undefined) {
    values[':since'] = str(filter.since);
    condition += ' AND sk >= :since';
  }
  const input: Omit<QueryCommandInput, 'TableName'> = {
    KeyConditionExpression: condition,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    ConsistentRead: true,
  };
  if (residuals.length > 0) {
    input.FilterExpression = residuals.map(([name]) => `#${name} = :${name}`).join(' AND ');
    input.ExpressionAttributeNames = Object.fromEntries(residuals.map(([name]) => [`#${name}`, name]));
    for (const [name, value] of residuals) values[`:${name}`] = str(value);
  } else if (limit > 0) input.Limit = limit;
  return input;
};

export const dynamoAudit = (table: Table): Pick<ResponseStore, 'appendAudit' | 'listAudit'> => ({
  async appendAudit(record) {
    // The id is the idempotency key: a repeated id keeps the first record, and its copies are (re)written
    // from that one, so a retry after a partial failure repairs the listings.
    let kept = record;
    if (!(await putIfAbsent(table, bodyItem(canonical(record.id), 'A', record)))) {
      const stored = await getItem(table, itemKey(canonical(record.id), 'A'));
      if (stored !== undefined) kept = dataOf<AuditRecord>(stored);
    }
    await writeAll(table, copies(kept).map(putRequest));
  },

  async listAudit(filter = {}) {
    const limit = filter.limit ?? 100;
    if (limit === 0) return [];
    // SQLite reads a negative LIMIT as "no limit"; so does this.
    const wanted = limit > 0 ? limit : Number.POSITIVE_INFINITY;
    const items = await queryItems(table, auditQuery(filter, limit), wanted);
    return items
      .map((item) => dataOf<AuditRecord>(item))
      .sort(newestFirst)
      .slice(0, limit > 0 ? limit : undefined);
  },
});
