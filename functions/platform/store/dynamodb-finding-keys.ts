/** Where a finding lives in the table: its canonical item, its copy in the batch, and the sharded views. */

import { bodyItem, type Item, itemKey, type Key } from './dynamodb-item.ts';
import type { IndexName } from './dynamodb-table.ts';
import type { BatchRecord, FindingFilter, FindingRecord } from './store.ts';

/**
 * Each view partition is split over this many shards (by a hash of the finding id), so no single GSI
 * partition takes every finding of a busy kind or namespace; a view queries all shards and merges.
 * Changing it re-homes existing findings: a migration, not a setting.
 */
export const findingShards = 4;

/** FNV-1a: a stable, cheap spread of ids over the shards. */
const shardOf = (id: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % findingShards;
};

/** Sort keys order by time then id, as the SQLite adapter's `ORDER BY at DESC, id DESC` does. */
const timeKey = (record: Pick<FindingRecord, 'at' | 'id'>) => `${record.at}#${record.id}`;

export const findingKey = (id: string): Key => itemKey(`F#${id}`, 'F');
export const batchMarkerKey = (batchId: string): Key => itemKey(`B#${batchId}`, '#BATCH');
const batchPartition = (batchId: string) => `B#${batchId}`;

/** The batch's commit record, written last and only once (`attribute_not_exists`). */
export const batchMarkerItem = (batch: BatchRecord): Item =>
  bodyItem(batchPartition(batch.batchId), '#BATCH', {
    batchId: batch.batchId,
    podUid: batch.podUid,
    receivedAt: batch.receivedAt,
    findingCount: batch.findings.length,
  });

/** The view families, one GSI each: partition prefix and the attribute that names the partition. */
const views = {
  group: { index: 'gsi1', prefix: 'FG#' },
  namespace: { index: 'gsi2', prefix: 'FN#' },
  kind: { index: 'gsi3', prefix: 'FK#' },
  all: { index: 'gsi4', prefix: 'FA#' },
} as const satisfies Record<string, { index: IndexName; prefix: string }>;

const viewPartition = (view: keyof typeof views, value: string, shard: number) =>
  `${views[view].prefix}${value}#${shard}`;

/** Filter columns beside the body, so any view can narrow by the filters it is not keyed on. */
const columns = (record: FindingRecord) => ({
  batch: record.batchId,
  ns: record.namespace,
  grp: record.group,
  kind: record.kind,
});

/** The canonical item: found by id (strongly consistent), and carrying the keys of every view it belongs to. */
export const findingItem = (record: FindingRecord): Item => {
  const shard = shardOf(record.id);
  const sk = timeKey(record);
  return bodyItem(`F#${record.id}`, 'F', record, {
    ...columns(record),
    gsi1pk: record.group === undefined ? undefined : viewPartition('group', record.group, shard),
    gsi1sk: record.group === undefined ? undefined : sk,
    gsi2pk: viewPartition('namespace', record.namespace, shard),
    gsi2sk: sk,
    gsi3pk: viewPartition('kind', record.kind, shard),
    gsi3sk: sk,
    gsi4pk: viewPartition('all', '', shard),
    gsi4sk: sk,
  });
};

/** The copy in its batch's item collection: a batch's findings are read back strongly consistently. */
export const batchCopyItem = (record: FindingRecord): Item =>
  bodyItem(batchPartition(record.batchId), `F#${timeKey(record)}`, record, columns(record));

/** Where a listing reads: the partitions to query, their key attributes, and which filters are left over. */
export type FindingSource = {
  index?: IndexName;
  pkName: string;
  skName: string;
  partitions: string[];
  /** What every finding sort key in these partitions starts with. */
  skPrefix: string;
  consistent: boolean;
  residual: Partial<Record<'batch' | 'ns' | 'grp' | 'kind', string | undefined>>;
};

const shardsOf = (view: keyof typeof views, value: string) =>
  Array.from({ length: findingShards }, (_, shard) => viewPartition(view, value, shard));

const viewSource = (view: keyof typeof views, value: string, residual: FindingSource['residual']) => {
  const index = views[view].index;
  return {
    index,
    pkName: `${index}pk`,
    skName: `${index}sk`,
    partitions: shardsOf(view, value),
    skPrefix: '',
    consistent: false,
    residual,
  };
};

/** The most selective source for a filter: the batch (consistent), then group, namespace, kind, everything. */
export const findingSource = (filter: FindingFilter): FindingSource => {
  const { batchId, group, namespace, kind } = filter;
  if (batchId !== undefined)
    return {
      pkName: 'pk',
      skName: 'sk',
      partitions: [batchPartition(batchId)],
      skPrefix: 'F#',
      consistent: true,
      residual: { ns: namespace, grp: group, kind },
    };
  if (group !== undefined) return viewSource('group', group, { ns: namespace, kind });
  if (namespace !== undefined) return viewSource('namespace', namespace, { kind });
  if (kind !== undefined) return viewSource('kind', kind, {});
  return viewSource('all', '', {});
};

/** The partitions that hold every finding once (for counting). */
export const everyFinding = (): FindingSource => viewSource('all', '', {});
