/** ResponseStore on SQLite (better-sqlite3): its own `respond_*` tables, JSON bodies, safe to share the store's file. */
import Database from 'better-sqlite3';
import type {
  AlertGroup,
  AuditRecord,
  Interaction,
  Mute,
  QuarantineRecord,
  ResponseStore,
} from './response-store.ts';

const schema = `
  CREATE TABLE IF NOT EXISTS respond_audit (id TEXT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
    target TEXT NOT NULL, body TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS respond_audit_at ON respond_audit (at);
  CREATE TABLE IF NOT EXISTS respond_mutes (id TEXT PRIMARY KEY, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS respond_alert_groups (key TEXT PRIMARY KEY, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS respond_interactions (id TEXT PRIMARY KEY, expires_at TEXT NOT NULL, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS respond_quarantines (pod_uid TEXT PRIMARY KEY, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS respond_windows (key TEXT PRIMARY KEY, window_start TEXT NOT NULL, count INTEGER NOT NULL);
`;

type BodyRow = { body: string };
const parse = <T>(row: unknown): T | undefined =>
  row === undefined ? undefined : JSON.parse((row as BodyRow).body);
const parseAll = <T>(rows: unknown[]): T[] => rows.map((row) => JSON.parse((row as BodyRow).body) as T);

const isActive = (mute: Mute, at: string): boolean =>
  mute.startsAt <= at && at < mute.endsAt && (mute.expiredAt === undefined || at < mute.expiredAt);

type Db = Database.Database;

const putBody = (db: Db, table: string, key: string) =>
  db.prepare(
    `INSERT INTO ${table} (${key}, body) VALUES (?, ?) ON CONFLICT(${key}) DO UPDATE SET body = excluded.body`,
  );
const get = (db: Db, table: string, key: string) => db.prepare(`SELECT body FROM ${table} WHERE ${key} = ?`);

const auditMethods = (db: Db): Pick<ResponseStore, 'appendAudit' | 'listAudit'> => {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO respond_audit (id, at, actor, target, body) VALUES (?, ?, ?, ?, ?)',
  );
  return {
    async appendAudit(record) {
      insert.run(record.id, record.at, record.actor, record.target, JSON.stringify(record));
    },
    async listAudit(filter = {}) {
      const columns = [
        ['at >= ?', filter.since],
        ['target = ?', filter.target],
        ['actor = ?', filter.actor],
        ["json_extract(body, '$.action') = ?", filter.action],
      ].filter(([, value]) => value !== undefined);
      const clauses = ['1 = 1', ...columns.map(([clause]) => clause)];
      const params = columns.map(([, value]) => value);
      const sql = `SELECT body FROM respond_audit WHERE ${clauses.join(' AND ')} ORDER BY at DESC, rowid DESC LIMIT ?`;
      return parseAll<AuditRecord>(db.prepare(sql).all(...params, filter.limit ?? 100));
    },
  };
};

const muteMethods = (
  db: Db,
): Pick<ResponseStore, 'putMute' | 'getMute' | 'listMutes' | 'countSuppressed'> => {
  const put = putBody(db, 'respond_mutes', 'id');
  const getMute = (id: string) => parse<Mute>(get(db, 'respond_mutes', 'id').get(id));
  return {
    async putMute(mute) {
      put.run(mute.id, JSON.stringify(mute));
    },
    getMute: async (id) => getMute(id),
    async listMutes(activeAt) {
      const mutes = parseAll<Mute>(db.prepare('SELECT body FROM respond_mutes ORDER BY id').all());
      return activeAt === undefined ? mutes : mutes.filter((mute) => isActive(mute, activeAt));
    },
    async countSuppressed(id) {
      db.transaction(() => {
        const mute = getMute(id);
        if (mute !== undefined) put.run(id, JSON.stringify({ ...mute, suppressed: mute.suppressed + 1 }));
      }).immediate();
    },
  };
};

const alertMethods = (
  db: Db,
): Pick<
  ResponseStore,
  'getAlertGroup' | 'putAlertGroup' | 'listAlertGroups' | 'putInteraction' | 'getInteraction'
> => {
  const putGroup = putBody(db, 'respond_alert_groups', 'key');
  const putInteraction = db.prepare(
    'INSERT INTO respond_interactions (id, expires_at, body) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body',
  );
  return {
    getAlertGroup: async (key) => parse<AlertGroup>(get(db, 'respond_alert_groups', 'key').get(key)),
    async putAlertGroup(group) {
      putGroup.run(group.key, JSON.stringify(group));
    },
    listAlertGroups: async () =>
      parseAll<AlertGroup>(db.prepare('SELECT body FROM respond_alert_groups ORDER BY key').all()),
    async putInteraction(interaction) {
      putInteraction.run(interaction.id, interaction.expiresAt, JSON.stringify(interaction));
    },
    getInteraction: async (id) => parse<Interaction>(get(db, 'respond_interactions', 'id').get(id)),
  };
};

const stateMethods = (
  db: Db,
): Pick<ResponseStore, 'putQuarantine' | 'deleteQuarantine' | 'listQuarantines' | 'hit'> => {
  const putQuarantine = putBody(db, 'respond_quarantines', 'pod_uid');
  const hit = db.prepare(
    `INSERT INTO respond_windows (key, window_start, count) VALUES (?, ?, 1)
     ON CONFLICT(key) DO UPDATE SET count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,
       window_start = excluded.window_start
     RETURNING count`,
  );
  return {
    async putQuarantine(record) {
      putQuarantine.run(record.podUid, JSON.stringify(record));
    },
    async deleteQuarantine(podUid) {
      db.prepare('DELETE FROM respond_quarantines WHERE pod_uid = ?').run(podUid);
    },
    listQuarantines: async () =>
      parseAll<QuarantineRecord>(db.prepare('SELECT body FROM respond_quarantines ORDER BY pod_uid').all()),
    hit: async (key, windowStart) => (hit.get(key, windowStart) as { count: number }).count,
  };
};

export const openSqliteResponseStore = (path: string): ResponseStore => {
  const db = new Database(path);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(schema);
  return {
    ...auditMethods(db),
    ...muteMethods(db),
    ...alertMethods(db),
    ...stateMethods(db),
    async close() {
      db.close();
    },
  };
};
