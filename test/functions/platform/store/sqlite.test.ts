/** The SQLite store: the shared contract, plus WAL, migrations and cross-connection idempotency. */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import { sqliteMigrations } from '#functions/platform/store/sqlite-migrations.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { at, flow } from '../factories.ts';
import { describeStoreContract } from './store-contract.ts';

const tempFile = () => join(tempDir('meshward-store-'), 'meshward.db');

describeStoreContract('sqlite', async () => openSqliteStore(tempFile()));

describe('sqlite store', () => {
  it('uses WAL and records each migration once across reopenings', async () => {
    const file = tempFile();
    await (await openSqliteStore(file)).close();
    await (await openSqliteStore(file)).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const rows = db.prepare('SELECT id, name FROM migrations').all();
    expect(rows).toEqual(sqliteMigrations.map(({ id, name }) => ({ id, name })));
    db.close();
  });

  it('applies a later migration to an existing database', async () => {
    const file = tempFile();
    await openSqliteStore(file).close();
    const extra = [...sqliteMigrations, { id: 99, name: 'extra', sql: 'CREATE TABLE extra (x INTEGER)' }];
    await openSqliteStore(file, extra).close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT name FROM migrations WHERE id = 99').get()).toEqual({ name: 'extra' });
    db.close();
  });

  it('stores a batch once when two connections race on the same file', async () => {
    const file = tempFile();
    const stores = [openSqliteStore(file), openSqliteStore(file), openSqliteStore(file)];
    const findings = Array.from({ length: 50 }, (_, i) => ({
      id: `race#${i}`,
      batchId: 'race',
      namespace: 'shop',
      kind: 'flow' as const,
      at: at(i % 50),
      finding: flow(),
    }));
    const results = await Promise.all(
      stores.flatMap((store) =>
        [1, 2].map(() => store.putBatch({ batchId: 'race', podUid: 'p', receivedAt: at(0), findings })),
      ),
    );
    expect(results.filter((r) => r === 'stored')).toHaveLength(1);
    expect(await stores[0]?.countFindings()).toBe(50);
    await Promise.all(stores.map((store) => store.close()));
  });
});
