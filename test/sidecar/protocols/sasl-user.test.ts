import { describe, expect, it } from 'vitest';
import { saslLoginUser, saslPlainUser, saslUser } from '#sidecar/protocols/sasl-user.ts';

const b64 = (text: string) => Buffer.from(text, 'latin1').toString('base64');

describe('sasl-user', () => {
  it("reads PLAIN's authentication identity (RFC 4616), with or without an authorization identity", () => {
    expect(saslPlainUser(b64('\0alice\0Tr0ub4dor&3'))).toBe('alice');
    expect(saslPlainUser(b64('admin\0alice\0pw'))).toBe('alice');
    expect(saslUser('plain', b64('\0bob\0pw'))).toBe('bob');
  });

  it("reads LOGIN's first answer as the user", () => {
    expect(saslLoginUser(b64('alice'))).toBe('alice');
    expect(saslUser('LOGIN', b64('carol'))).toBe('carol');
  });

  it('gives nothing for other mechanisms, malformed messages, unprintable names, and never the password', () => {
    expect(saslUser('CRAM-MD5', b64('alice 0123'))).toBeUndefined();
    expect(saslPlainUser('*')).toBeUndefined();
    expect(saslPlainUser(b64('alice-without-nuls'))).toBeUndefined();
    expect(saslPlainUser(b64('\0\x01\x02\0pw'))).toBeUndefined();
    expect(saslPlainUser(b64('\0\0secret'))).toBeUndefined();
    expect(saslPlainUser(b64(`\0${'u'.repeat(200)}\0pw`))).toHaveLength(64);
  });
});
