import { describe, expect, it } from 'vitest';
import { sqlTokenize } from '#sidecar/threats/text/sql-tokenize.ts';

const shape = (text: string) =>
  sqlTokenize(text)
    .map((t) => t.type)
    .join('');

describe('sqlTokenize', () => {
  it.each([
    ["1' OR '1'='1", 'nsnsn'],
    ["'1' OR '1'='1'", 's&scs'],
    ["'O''Reilly'", 's'],
    ['SELECT a FROM t -- x', 'kbkbC'],
    ['/*!50000UnIoN*/ /*!SeLeCt*/ 1', 'ukn'],
    ['a/**/OR/**/1=1', 'b&ncn'],
    ['@@version', 'v'],
    ['x || y && z', 'b&b&b'],
    ['[dbo].[users]', 'b.b'],
    ['0x41 <> 1e3', 'ncn'],
  ])('tokenizes %j as %j', (text, expected) => {
    expect(shape(text).replaceAll(' ', '')).toBe(expected.replaceAll(' ', ''));
  });

  it('marks an unterminated string as open', () => {
    expect(sqlTokenize("'abc").at(-1)).toMatchObject({ type: 's', open: true });
  });
});
