/** The DynamoDB store: the `Store` interface on one table (single-table design, see docs/adr/0007). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoFindings } from './dynamodb-findings.ts';
import {
  deleteItem,
  dynamoTable,
  getBody,
  mapLimited,
  partitionItems,
  putItem,
  putRequest,
  queryItems,
  type Table,
  writeAll,
} from './dynamodb-io.ts';
import { bodyItem, dataOf, itemKey, str, ttlSeconds } from './dynamodb-item.ts';
import { dynamoRules } from './dynamodb-rules.ts';
import type { DnsNameRecord, GroupRecord, IpRecord, PendingCommand, PodRecord, Store } from './store.ts';

/** Pod records outlive their expiry by a week (the views show recent pods), then TTL removes them. */
const podRetentionSeconds = 7 * 86_400;

const listBodies = async <T>(table: Table, partition: string): Promise<T[]> =>
  (await partitionItems(table, partition)).map((item) => dataOf<T>(item));

const workloadMethods = (
  table: Table,
): Pick<Store, 'putGroup' | 'getGroup' | 'listGroups' | 'putPod' | 'getPod' | 'listPods'> => ({
  putGroup: (group) => putItem(table, bodyItem('GROUPS', group.key, group)),
  getGroup: (key) => getBody<GroupRecord>(table, 'GROUPS', key),
  listGroups: () => listBodies<GroupRecord>(table, 'GROUPS'),
  putPod: (pod) =>
    putItem(
      table,
      bodyItem('PODS', pod.pod.uid, pod, { expiresAt: ttlSeconds(pod.expiresAt, podRetentionSeconds) }),
    ),
  getPod: (uid) => getBody<PodRecord>(table, 'PODS', uid),
  listPods: () => listBodies<PodRecord>(table, 'PODS'),
});

const ipMethods = (table: Table): Pick<Store, 'putIps' | 'lookupIp'> => ({
  async putIps(records) {
    // The TTL attribute only tidies up; expiry is decided on read, as TTL deletes late (or, locally, never).
    await writeAll(
      table,
      records.map((record) =>
        putRequest(bodyItem(`IP#${record.ip}`, 'IP', record, { expiresAt: ttlSeconds(record.expiresAt) })),
      ),
    );
  },
  async lookupIp(ip, at) {
    const record = await getBody<IpRecord>(table, `IP#${ip}`, 'IP');
    return record !== undefined && record.expiresAt > at ? record : undefined;
  },
});

const dnsNameMethods = (table: Table): Pick<Store, 'putDnsNames' | 'lookupDnsName'> => ({
  async putDnsNames(records) {
    // Last answer wins; expiry is decided on read (TTL only tidies up, late).
    await writeAll(
      table,
      records.map((record) =>
        putRequest(bodyItem(`DNS#${record.ip}`, 'DNS', record, { expiresAt: ttlSeconds(record.expiresAt) })),
      ),
    );
  },
  async lookupDnsName(ip, at) {
    const record = await getBody<DnsNameRecord>(table, `DNS#${ip}`, 'DNS');
    return record !== undefined && record.expiresAt > at ? record : undefined;
  },
});

const commandMethods = (table: Table): Pick<Store, 'putCommand' | 'takeCommands'> => ({
  putCommand: (command) =>
    putItem(
      table,
      bodyItem(`CMD#${command.podUid}`, command.id, command, { expiresAt: Math.ceil(command.expiresAt) }),
    ),
  async takeCommands(podUid, nowSeconds) {
    const items = await queryItems(table, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': str(`CMD#${podUid}`) },
      ConsistentRead: true,
    });
    // Each command is handed out by the one caller whose delete returned it: once, even under races.
    const taken = await mapLimited(items, 8, (item) =>
      deleteItem(table, itemKey(`CMD#${podUid}`, item.sk?.S ?? '')),
    );
    return taken
      .flatMap((old) => (old === undefined ? [] : [dataOf<PendingCommand>(old)]))
      .filter((command) => command.expiresAt > nowSeconds)
      .sort((a, b) => a.id.localeCompare(b.id));
  },
});

export type DynamoStoreOptions = { client: DynamoDBClient; tableName: string };

/** A `Store` on the table `tableName` (created as `dynamodb-table.ts` describes); closing leaves the client open. */
export const openDynamoStore = (options: DynamoStoreOptions): Store => {
  const table = dynamoTable(options);
  return {
    ...dynamoFindings(table),
    ...dynamoRules(table),
    ...workloadMethods(table),
    ...ipMethods(table),
    ...dnsNameMethods(table),
    ...commandMethods(table),
    async close() {},
  };
};
