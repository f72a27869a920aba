import { describe, expect, it } from 'vitest';
import { wholeSelect } from '#sidecar/threats/clickhouse-whole-select.ts';

describe('clickhouse-whole-select', () => {
  it.each([
    ['SELECT * FROM users', { table: 'users', outfile: false }],
    ['  select  *  from db.users ;  ', { table: 'db.users', outfile: false }],
    ['SELECT * FROM users FORMAT Native; ', { table: 'users', format: 'Native', outfile: false }],
    ['SELECT * FROM `my db`.`t` FINAL ORDER BY id DESC, b', { table: '`my db`.`t`', outfile: false }],
    [
      "SELECT * FROM t SETTINGS max_threads = 2 INTO OUTFILE 'o\\'t.gz' AND STDOUT COMPRESSION 'gzip' LEVEL 3 FORMAT TSV",
      { table: 't', format: 'TSV', outfile: true },
    ],
    [
      'SELECT * FROM "a".b FORMAT Parquet SETTINGS x = \'y\'',
      { table: '"a".b', format: 'Parquet', outfile: false },
    ],
  ])('reads %s whole', (text, read) => {
    expect(wholeSelect(text)).toEqual(read);
  });

  it.each([
    'SELECT * FROM users WHERE id = 1',
    'SELECT * FROM users PREWHERE id = 1',
    'SELECT * FROM users LIMIT 10',
    'SELECT * FROM users SAMPLE 1/10',
    'SELECT * FROM users ORDER BY id LIMIT 5',
    'SELECT * FROM users GROUP BY id',
    'SELECT * FROM users u JOIN orders o ON u.id = o.user',
    'SELECT * FROM numbers(10)',
    'SELECT * FROM (SELECT 1)',
    'SELECT * FROM system.parts',
    'SELECT * FROM `system`.`query_log`',
    'SELECT * FROM INFORMATION_SCHEMA.TABLES',
    'SELECT a, b FROM users',
    'SELECT count() FROM users',
    'SELECT * FROM users; DROP TABLE users',
  ])('leaves %s alone', (text) => {
    expect(wholeSelect(text)).toBeUndefined();
  });
});
