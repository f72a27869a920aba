/** The SQLite schema as an ordered list of migrations; each is applied once and recorded. */

export type Migration = { id: number; name: string; sql: string };

export const sqliteMigrations: readonly Migration[] = [
  {
    id: 1,
    name: 'initial',
    sql: `
      CREATE TABLE batches (batch_id TEXT PRIMARY KEY, pod_uid TEXT NOT NULL, received_at TEXT NOT NULL,
        finding_count INTEGER NOT NULL);
      CREATE TABLE findings (id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, pod_uid TEXT, namespace TEXT NOT NULL,
        grp TEXT, kind TEXT NOT NULL, at TEXT NOT NULL, body TEXT NOT NULL, proposal TEXT);
      CREATE INDEX findings_batch ON findings (batch_id);
      CREATE INDEX findings_kind_at ON findings (kind, at);
      CREATE INDEX findings_grp_at ON findings (grp, at);
      CREATE INDEX findings_ns_at ON findings (namespace, at);
      CREATE TABLE rules (id TEXT PRIMARY KEY, from_key TEXT NOT NULL, to_key TEXT NOT NULL, body TEXT NOT NULL);
      CREATE INDEX rules_from ON rules (from_key);
      CREATE INDEX rules_to ON rules (to_key);
      CREATE TABLE groups (key TEXT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE pods (uid TEXT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE ips (ip TEXT PRIMARY KEY, pod_uid TEXT NOT NULL, grp TEXT NOT NULL, expires_at TEXT NOT NULL);
      CREATE TABLE commands (id TEXT PRIMARY KEY, pod_uid TEXT NOT NULL, expires_at INTEGER NOT NULL,
        token TEXT NOT NULL);
      CREATE INDEX commands_pod ON commands (pod_uid);
    `,
  },
  {
    id: 2,
    name: 'dns-names',
    sql: 'CREATE TABLE dns_names (ip TEXT PRIMARY KEY, fqdn TEXT NOT NULL, expires_at TEXT NOT NULL);',
  },
];
