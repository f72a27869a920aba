import { describe, expect, it } from 'vitest';
import { redactEvidence } from '#sidecar/threats/text/redact-evidence.ts';

describe('redactEvidence', () => {
  it.each([
    ['header authorization: Bearer abc.def.ghi', 'header authorization: ***'],
    ['cookie session: s3cr3t-value', 'cookie session: ***'],
    ['Cookie: a=1; b=2', 'Cookie: ***'],
    ["ALTER USER bob IDENTIFIED BY 'hunter2'", "ALTER USER bob IDENTIFIED BY '***'"],
    ["ALTER ROLE app PASSWORD 'md5abc'", "ALTER ROLE app PASSWORD '***'"],
    ["SELECT 1 FROM u WHERE password = 'x' OR 1=1", "SELECT 1 FROM u WHERE password = '***' OR 1=1"],
    ['form password: letmein', "form password: '***'"],
    ['token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc', "token='***'"],
    ['x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig', 'x <jwt>'],
  ])('masks %j', (input, expected) => {
    expect(redactEvidence(input)).toBe(expected);
  });

  it('keeps the attack visible: a column named password is not a secret', () => {
    expect(redactEvidence("query id: 1' union select user, password from users#")).toBe(
      "query id: 1' union select user, password from users#",
    );
  });

  it('escapes control bytes and bounds the length', () => {
    expect(redactEvidence('a\u0000b\u001bc')).toBe('a\\x00b\\x1bc');
    const long = redactEvidence('x'.repeat(5_000));
    expect(long.length).toBe(512);
    expect(long.endsWith('…')).toBe(true);
  });
});
