/** The embedded SQLite store (better-sqlite3): one file in the data directory, WAL, versioned migrations. */
import Database from 'better-sqlite3';
import type { Rule } from '#core/rule.ts';
import { type Migration, sqliteMigrations } from './sqlite-migrations.ts';
import {
  type BatchRecord,
  type DnsNameRecord,
  type FindingFilter,
  type FindingRecord,
  type GroupRecord,
  type IpRecord,
  type PendingCommand,
  type PodRecord,
  peerKey,
  type RuleFilter,
  type Store,
} from './store.ts';

type Row = Record<string, unknown>;

const applyMigrations = (db: Database.Database, migrations: readonly Migration[]): void => {
  db.exec(
    'CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT)',
  );
  const applied = new Set(
    (db.prepare('SELECT id FROM migrations').all() as { id: number }[]).map((row) => row.id),
  );
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)').run(
        migration.id,
        migration.name,
        new Date().toISOString(),
      );
    }).immediate();
  }
};

const toFinding = (row: Row): FindingRecord => {
  const record: FindingRecord = {
    id: row.id as string,
    batchId: row.batch_id as string,
    namespace: row.namespace as string,
    kind: row.kind as FindingRecord['kind'],
    at: row.at as string,
    finding: JSON.parse(row.body as string),
  };
  if (row.pod_uid !== null) record.podUid = row.pod_uid as string;
  if (row.grp !== null) record.group = row.grp as string;
  if (row.proposal !== null) record.proposal = JSON.parse(row.proposal as string);
  return record;
};

const findingWhere = (filter: FindingFilter): { sql: string; params: unknown[] } => {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    clauses.push(clause);
    params.push(value);
  };
  if (filter.batchId !== undefined) add('batch_id = ?', filter.batchId);
  if (filter.namespace !== undefined) add('namespace = ?', filter.namespace);
  if (filter.group !== undefined) add('grp = ?', filter.group);
  if (filter.kind !== undefined) add('kind = ?', filter.kind);
  if (filter.since !== undefined) add('at >= ?', filter.since);
  if (filter.until !== undefined) add('at < ?', filter.until);
  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
};

class SqliteStore implements Store {
  readonly #db: Database.Database;

  /** Prepared statements, kept: preparing costs more than running for these small queries. */
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  #sql(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #insertFindings(records: FindingRecord[]): void {
    const insert = this.#sql(
      `INSERT OR IGNORE INTO findings (proposal, id, batch_id, pod_uid, namespace, grp, kind, at, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of records) {
      const proposal = r.proposal === undefined ? null : JSON.stringify(r.proposal);
      insert.run(
        proposal,
        r.id,
        r.batchId,
        r.podUid ?? null,
        r.namespace,
        r.group ?? null,
        r.kind,
        r.at,
        JSON.stringify(r.finding),
      );
    }
  }

  async putBatch(batch: BatchRecord): Promise<'stored' | 'duplicate'> {
    const run = this.#db.transaction((): 'stored' | 'duplicate' => {
      const inserted = this.#sql(
        'INSERT OR IGNORE INTO batches (batch_id, pod_uid, received_at, finding_count) VALUES (?, ?, ?, ?)',
      ).run(batch.batchId, batch.podUid, batch.receivedAt, batch.findings.length);
      if (inserted.changes === 0) return 'duplicate';
      this.#insertFindings(batch.findings);
      return 'stored';
    });
    return run.immediate();
  }

  async putFindings(records: FindingRecord[]): Promise<void> {
    this.#db.transaction(() => this.#insertFindings(records)).immediate();
  }

  async getFinding(id: string): Promise<FindingRecord | undefined> {
    const row = this.#sql('SELECT * FROM findings WHERE id = ?').get(id) as Row | undefined;
    return row === undefined ? undefined : toFinding(row);
  }

  async listFindings(filter: FindingFilter): Promise<FindingRecord[]> {
    const { sql, params } = findingWhere(filter);
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 10_000);
    const rows = this.#sql(`SELECT * FROM findings ${sql} ORDER BY at DESC, id DESC LIMIT ?`).all(
      ...params,
      limit,
    ) as Row[];
    return rows.map(toFinding);
  }

  async countFindings(): Promise<number> {
    return (this.#sql('SELECT COUNT(*) AS n FROM findings').get() as { n: number }).n;
  }

  async putRules(rules: Rule[]): Promise<void> {
    const upsert = this.#sql(
      `INSERT INTO rules (id, from_key, to_key, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET from_key = excluded.from_key, to_key = excluded.to_key, body = excluded.body`,
    );
    this.#db
      .transaction(() => {
        for (const rule of rules)
          upsert.run(rule.id, peerKey(rule.from), peerKey(rule.to), JSON.stringify(rule));
      })
      .immediate();
  }

  async getRule(id: string): Promise<Rule | undefined> {
    const row = this.#sql('SELECT body FROM rules WHERE id = ?').get(id) as Row | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body as string) as Rule);
  }

  async deleteRule(id: string): Promise<boolean> {
    return this.#sql('DELETE FROM rules WHERE id = ?').run(id).changes > 0;
  }

  async listRules(filter: RuleFilter = {}): Promise<Rule[]> {
    const rows = (
      filter.group === undefined
        ? this.#sql('SELECT body FROM rules ORDER BY id').all()
        : this.#sql('SELECT body FROM rules WHERE from_key = ? OR to_key = ? ORDER BY id').all(
            filter.group,
            filter.group,
          )
    ) as Row[];
    return rows.map((row) => JSON.parse(row.body as string) as Rule);
  }

  async putGroup(group: GroupRecord): Promise<void> {
    this.#sql(
      'INSERT INTO groups (key, body) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET body = excluded.body',
    ).run(group.key, JSON.stringify(group));
  }

  async getGroup(key: string): Promise<GroupRecord | undefined> {
    const row = this.#sql('SELECT body FROM groups WHERE key = ?').get(key) as Row | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body as string) as GroupRecord);
  }

  async listGroups(): Promise<GroupRecord[]> {
    const rows = this.#sql('SELECT body FROM groups ORDER BY key').all() as Row[];
    return rows.map((row) => JSON.parse(row.body as string) as GroupRecord);
  }

  async putPod(pod: PodRecord): Promise<void> {
    this.#sql(
      'INSERT INTO pods (uid, body) VALUES (?, ?) ON CONFLICT (uid) DO UPDATE SET body = excluded.body',
    ).run(pod.pod.uid, JSON.stringify(pod));
  }

  async getPod(uid: string): Promise<PodRecord | undefined> {
    const row = this.#sql('SELECT body FROM pods WHERE uid = ?').get(uid) as Row | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body as string) as PodRecord);
  }

  async listPods(): Promise<PodRecord[]> {
    const rows = this.#sql('SELECT body FROM pods ORDER BY uid').all() as Row[];
    return rows.map((row) => JSON.parse(row.body as string) as PodRecord);
  }

  async putIps(records: IpRecord[]): Promise<void> {
    const upsert = this.#sql(
      `INSERT INTO ips (ip, pod_uid, grp, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (ip) DO UPDATE SET
       pod_uid = excluded.pod_uid, grp = excluded.grp, expires_at = excluded.expires_at`,
    );
    this.#db
      .transaction(() => {
        for (const r of records) upsert.run(r.ip, r.podUid, r.group, r.expiresAt);
      })
      .immediate();
  }

  async lookupIp(ip: string, at: string): Promise<IpRecord | undefined> {
    const row = this.#sql('SELECT * FROM ips WHERE ip = ? AND expires_at > ?').get(ip, at) as Row | undefined;
    if (row === undefined) return undefined;
    return {
      ip,
      podUid: row.pod_uid as string,
      group: row.grp as string,
      expiresAt: row.expires_at as string,
    };
  }

  async putDnsNames(records: DnsNameRecord[]): Promise<void> {
    const upsert = this.#sql(
      `INSERT INTO dns_names (ip, fqdn, expires_at) VALUES (?, ?, ?) ON CONFLICT (ip) DO UPDATE SET
       fqdn = excluded.fqdn, expires_at = excluded.expires_at`,
    );
    this.#db
      .transaction(() => {
        for (const r of records) upsert.run(r.ip, r.fqdn, r.expiresAt);
      })
      .immediate();
  }

  async lookupDnsName(ip: string, at: string): Promise<DnsNameRecord | undefined> {
    const row = this.#sql('SELECT * FROM dns_names WHERE ip = ? AND expires_at > ?').get(ip, at) as
      | Row
      | undefined;
    return row === undefined
      ? undefined
      : { ip, fqdn: row.fqdn as string, expiresAt: row.expires_at as string };
  }

  async putCommand(command: PendingCommand): Promise<void> {
    this.#sql('INSERT OR REPLACE INTO commands (id, pod_uid, expires_at, token) VALUES (?, ?, ?, ?)').run(
      command.id,
      command.podUid,
      command.expiresAt,
      command.token,
    );
  }

  async takeCommands(podUid: string, nowSeconds: number): Promise<PendingCommand[]> {
    const take = this.#db.transaction((): PendingCommand[] => {
      const rows = this.#sql('DELETE FROM commands WHERE pod_uid = ? RETURNING id, expires_at, token').all(
        podUid,
      ) as Row[];
      return rows
        .filter((row) => (row.expires_at as number) > nowSeconds)
        .map((row) => ({
          id: row.id as string,
          podUid,
          expiresAt: row.expires_at as number,
          token: row.token as string,
        }))
        .sort((a, b) => a.id.localeCompare(b.id));
    });
    return take.immediate();
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

/** Opens (creating and migrating as needed) a SQLite store at `path`; `:memory:` for a throwaway one. */
export const openSqliteStore = (path: string, migrations: readonly Migration[] = sqliteMigrations): Store => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  applyMigrations(db, migrations);
  return new SqliteStore(db);
};
