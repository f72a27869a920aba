/** Rules on DynamoDB: one canonical item per rule plus a copy under each peer, so per-group reads are consistent. */
import type { Rule } from '#core/rule.ts';
import {
  deleteItem,
  deleteRequest,
  getItem,
  mapLimited,
  putRequest,
  queryItems,
  type Table,
  writeAll,
} from './dynamodb-io.ts';
import { bodyItem, dataOf, itemKey, str } from './dynamodb-item.ts';
import { peerKey, type Store } from './store.ts';

type RuleMethods = Pick<Store, 'putRules' | 'getRule' | 'deleteRule' | 'listRules'>;

const allRules = 'RULES';
const peerPartition = (peer: string) => `RP#${peer}`;
const peersOf = (rule: Rule): string[] => [...new Set([peerKey(rule.from), peerKey(rule.to)])];
const byId = (a: Rule, b: Rule) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const ruleItems = (rule: Rule) => [
  bodyItem(allRules, rule.id, rule),
  ...peersOf(rule).map((peer) => bodyItem(peerPartition(peer), rule.id, rule)),
];

const queryRules = async (table: Table, partition: string): Promise<Rule[]> =>
  (
    await queryItems(table, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': str(partition) },
      ConsistentRead: true,
    })
  ).map((item) => dataOf<Rule>(item));

/**
 * A rule is written to three items without a transaction (dynalite has none): every write is a whole
 * put of the rule, so a retry after a partial failure converges; reads by group check the copy's peers.
 */
export const dynamoRules = (table: Table): RuleMethods => {
  const getRule = async (id: string) => {
    const item = await getItem(table, itemKey(allRules, id));
    return item === undefined ? undefined : dataOf<Rule>(item);
  };

  return {
    async putRules(rules) {
      const latest = new Map(rules.map((rule) => [rule.id, rule]));
      const previous = await mapLimited([...latest.keys()], 8, getRule);
      const stale = previous.flatMap((old) => {
        if (old === undefined) return [];
        const now = new Set(peersOf(latest.get(old.id) as Rule));
        return peersOf(old)
          .filter((peer) => !now.has(peer))
          .map((peer) => deleteRequest(itemKey(peerPartition(peer), old.id)));
      });
      await writeAll(table, [...[...latest.values()].flatMap(ruleItems).map(putRequest), ...stale]);
    },

    getRule,

    async deleteRule(id) {
      const rule = await getRule(id);
      if (rule === undefined) return false;
      // Copies first: if this stops half-way, the rule is still listed and a retried delete finds it.
      await writeAll(
        table,
        peersOf(rule).map((peer) => deleteRequest(itemKey(peerPartition(peer), id))),
      );
      return (await deleteItem(table, itemKey(allRules, id))) !== undefined;
    },

    async listRules(filter = {}) {
      const { group } = filter;
      if (group === undefined) return (await queryRules(table, allRules)).sort(byId);
      const rules = await queryRules(table, peerPartition(group));
      return rules.filter((rule) => peersOf(rule).includes(group)).sort(byId);
    },
  };
};
