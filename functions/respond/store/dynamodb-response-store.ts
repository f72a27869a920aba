/** ResponseStore on DynamoDB: the store's table, `R#` keys; counters are atomic updates, never read-modify-write. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AppError } from '#core/errors.ts';
import {
  deleteItem,
  dynamoTable,
  getBody,
  getItem,
  partitionItems,
  putItem,
  type Table,
  updateItem,
} from '#functions/platform/store/dynamodb-io.ts';
import {
  bodyItem,
  dataOf,
  type Item,
  itemKey,
  num,
  numberOf,
  str,
  ttlSeconds,
} from '#functions/platform/store/dynamodb-item.ts';
import { dynamoAudit } from './dynamodb-response-audit.ts';
import type { AlertGroup, Interaction, Mute, QuarantineRecord, ResponseStore } from './response-store.ts';

/** An interaction outlives its expiry by a week, so a late click reads "expired", not "unknown"; then TTL removes it. */
const interactionGraceSeconds = 7 * 86_400;
/** A rate window's counter is useless long before this; TTL tidies it away. */
const windowRetentionSeconds = 7 * 86_400;

/** The suppressed count lives in its own numeric attribute so that counting is one atomic ADD. */
const muteOf = (item: Item): Mute => ({
  ...dataOf<Mute>(item),
  suppressed: numberOf(item, 'suppressed') ?? 0,
});

const muteMethods = (
  table: Table,
): Pick<ResponseStore, 'putMute' | 'getMute' | 'listMutes' | 'countSuppressed'> => ({
  putMute: (mute) => putItem(table, bodyItem('R#MUTES', mute.id, mute, { suppressed: mute.suppressed })),
  async getMute(id) {
    const item = await getItem(table, itemKey('R#MUTES', id));
    return item === undefined ? undefined : muteOf(item);
  },
  async listMutes(activeAt) {
    const mutes = (await partitionItems(table, 'R#MUTES')).map(muteOf);
    if (activeAt === undefined) return mutes;
    return mutes.filter(
      (mute) =>
        mute.startsAt <= activeAt &&
        activeAt < mute.endsAt &&
        (mute.expiredAt === undefined || activeAt < mute.expiredAt),
    );
  },
  async countSuppressed(id) {
    await updateItem(table, {
      Key: itemKey('R#MUTES', id),
      UpdateExpression: 'ADD suppressed :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':one': num(1) },
    });
  },
});

const alertMethods = (
  table: Table,
): Pick<
  ResponseStore,
  'getAlertGroup' | 'putAlertGroup' | 'listAlertGroups' | 'putInteraction' | 'getInteraction'
> => ({
  getAlertGroup: (key) => getBody<AlertGroup>(table, 'R#ALERTS', key),
  putAlertGroup: (group) => putItem(table, bodyItem('R#ALERTS', group.key, group)),
  listAlertGroups: async () =>
    (await partitionItems(table, 'R#ALERTS')).map((item) => dataOf<AlertGroup>(item)),
  putInteraction: (interaction) =>
    putItem(
      table,
      bodyItem(`R#INTERACTION#${interaction.id}`, 'I', interaction, {
        expiresAt: ttlSeconds(interaction.expiresAt, interactionGraceSeconds),
      }),
    ),
  getInteraction: (id) => getBody<Interaction>(table, `R#INTERACTION#${id}`, 'I'),
});

/**
 * One fixed-window counter per key, as the SQLite adapter keeps it: a hit in the current window is an atomic
 * ADD guarded by the window; a hit in another window replaces the counter (guarded, so two racing first hits
 * cannot both count 1). A lost race goes round again.
 */
const hit = async (table: Table, key: string, windowStart: string): Promise<number> => {
  const itemKeyOf = itemKey(`R#WINDOW#${key}`, 'W');
  const expiresAt = num(Math.ceil(Date.now() / 1000) + windowRetentionSeconds);
  for (let round = 0; round < 8; round++) {
    const added = await updateItem(table, {
      Key: itemKeyOf,
      UpdateExpression: 'ADD hits :one SET expiresAt = :expires',
      ConditionExpression: 'windowStart = :window',
      ExpressionAttributeValues: { ':one': num(1), ':window': str(windowStart), ':expires': expiresAt },
      ReturnValues: 'UPDATED_NEW',
    });
    if (added !== undefined) return numberOf(added, 'hits') ?? 1;
    const started = await updateItem(table, {
      Key: itemKeyOf,
      UpdateExpression: 'SET hits = :one, windowStart = :window, expiresAt = :expires',
      ConditionExpression: 'attribute_not_exists(pk) OR windowStart <> :window',
      ExpressionAttributeValues: { ':one': num(1), ':window': str(windowStart), ':expires': expiresAt },
    });
    if (started !== undefined) return 1;
  }
  throw new AppError('unavailable', `rate window '${key}' kept changing under concurrent hits`);
};

const stateMethods = (
  table: Table,
): Pick<ResponseStore, 'putQuarantine' | 'deleteQuarantine' | 'listQuarantines' | 'hit'> => ({
  putQuarantine: (record) => putItem(table, bodyItem('R#QUARANTINES', record.podUid, record)),
  async deleteQuarantine(podUid) {
    await deleteItem(table, itemKey('R#QUARANTINES', podUid));
  },
  listQuarantines: async () =>
    (await partitionItems(table, 'R#QUARANTINES')).map((item) => dataOf<QuarantineRecord>(item)),
  hit: (key, windowStart) => hit(table, key, windowStart),
});

export type DynamoResponseStoreOptions = { client: DynamoDBClient; tableName: string };

/** A ResponseStore on the store's table (see `dynamodb-table.ts`); closing leaves the client open. */
export const openDynamoResponseStore = (options: DynamoResponseStoreOptions): ResponseStore => {
  const table = dynamoTable(options);
  return {
    ...dynamoAudit(table),
    ...muteMethods(table),
    ...alertMethods(table),
    ...stateMethods(table),
    async close() {},
  };
};
