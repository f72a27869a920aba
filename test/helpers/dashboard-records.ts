/** Records the dashboard's tests and benchmark write into `meshward serve`'s own SQLite store, and opening that store. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rule } from '#core/rule.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import type { GroupRecord, Store } from '#functions/platform/store/store.ts';
import { httpsRequest, type ServeProcess } from './serve-process.ts';

export const seen = '2026-11-26T11:00:00.000Z';

export const group = (namespace: string, name: string, meshControl = false): GroupRecord => ({
  key: `${namespace}/${name}`,
  namespace,
  name,
  kind: 'Deployment',
  mode: 'discover',
  modeSince: seen,
  meshControl,
  labels: { app: name },
});

/** A learned rule from one group (`namespace/name`) to another. */
export const rule = (from: string, to: string, port: number, protocol: Rule['protocol']): Rule => {
  const peer = (key: string) => {
    const [namespace = '', name = ''] = key.split('/');
    return { type: 'group' as const, namespace, name };
  };
  return {
    id: `${from}>${to}:${port}`.replace(/\//g, '.'),
    from: peer(from),
    to: peer(to),
    transport: 'tcp',
    port,
    protocol,
    source: 'learned',
    hits: 42,
    firstSeen: seen,
    lastSeen: seen,
  };
};

/** Makes serve build its runtime (which writes operator.token), then opens the same SQLite file. */
export const openServeStore = async (serve: ServeProcess): Promise<{ store: Store; token: string }> => {
  await httpsRequest(serve.port, serve.ca, 'GET', '/api/groups');
  const token = readFileSync(join(serve.dataDir, 'operator.token'), 'utf8').trim();
  return { store: openSqliteStore(join(serve.dataDir, 'meshward.db')), token };
};
