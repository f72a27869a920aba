/**
 * padding-oracle: a real CBC padding oracle attack (AES-128-CBC under a key the attacker does not know, the oracle
 * the cipher's own padding check) in a cookie and in a query parameter is reported; a client re-sending its token,
 * new sessions, a counter kept in a token, a nonce block changed whole, base64 text and slow changes are not.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HttpRequestEvent } from '#sidecar/events.ts';
import { paddingOracle } from '#sidecar/threats/padding-oracle.ts';
import { tokenChange } from '#sidecar/threats/padding-oracle-change.ts';
import { cipherToken } from '#sidecar/threats/text/cipher-token.ts';
import { paddingOracleAttack } from './padding-oracle-attack.ts';
import { flow, httpRequest, runThreat } from './threat-factories.ts';

const key = randomBytes(16);
const seal = (plain: Buffer): Buffer => {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plain), cipher.final()]);
};
/** The server's padding check: whether the token deciphers under its key. */
const oracle = (token: Buffer): boolean => {
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, token.subarray(0, 16));
    decipher.update(token.subarray(16));
    decipher.final();
    return true;
  } catch {
    return false;
  }
};
const issued = seal(
  Buffer.from('serialized principals of alice, as the server wrote them at login'.repeat(3)),
);
const lastBlock = issued.subarray(issued.length - 16);

const cookieRequests = (tokens: readonly Buffer[], step = 20): HttpRequestEvent[] =>
  tokens.map((token, i) =>
    httpRequest('/account', {
      ts: 1_000 + i * step,
      headers: [['Cookie', `JSESSIONID=9F1C; rememberMe=${token.toString('base64')}`]],
    }),
  );
const stories = (hits: readonly { severity: string; evidence: string }[]) =>
  hits.map((h) => `${h.severity} ${h.evidence}`);

describe('padding-oracle', () => {
  it('reports a padding oracle attack on a cookie once, high, naming Shiro-721 for rememberMe', async () => {
    const { intermediate, sent } = await paddingOracleAttack(issued, lastBlock, oracle);
    // The attack works: the octets read are the block's real decryption.
    const ecb = createDecipheriv('aes-128-ecb', key, null).setAutoPadding(false);
    expect(intermediate).toEqual(ecb.update(lastBlock));
    const hits = runThreat(paddingOracle, cookieRequests(sent));
    expect(hits).toHaveLength(1);
    expect(hits[0]?.severity).toBe('high');
    expect(hits[0]?.evidence).toMatch(
      /^CBC padding oracle attack on cookie rememberMe \(Apache Shiro rememberMe: Shiro-721, CVE-2019-12422.*\): \d+ different 256-octet tokens within \d+ ms, \d+ of them changed inside one 16-octet block only \(block 15 of 16\), octet by octet at 2 positions/,
    );
  });

  it('reports one in a query parameter, without the Shiro note, and per server port', async () => {
    const { sent } = await paddingOracleAttack(issued.subarray(0, 32), lastBlock, oracle);
    const requests = sent.map((t, i) =>
      httpRequest(`/WebResource.axd?d=${t.toString('base64url')}&t=1`, { ts: i }),
    );
    const hits = runThreat(paddingOracle, requests);
    expect(stories(hits)).toEqual([
      expect.stringMatching(/^high CBC padding oracle attack on query d: \d+ different 64/),
    ]);
  });

  it('reports one in a bearer token, a header of its own and a JSON body; a user agent is never a token', async () => {
    const { sent } = await paddingOracleAttack(issued.subarray(0, 48), lastBlock, oracle);
    const carriers: [string, (token: string, ts: number) => HttpRequestEvent][] = [
      [
        'header authorization',
        (t, ts) => httpRequest('/me', { ts, headers: [['Authorization', `Bearer ${t}`]] }),
      ],
      ['header x-reset-token', (t, ts) => httpRequest('/reset', { ts, headers: [['X-Reset-Token', t]] })],
      [
        'json $.session.token',
        (t, ts) => httpRequest('/api', { ts, body: JSON.stringify({ session: { token: t } }) }),
      ],
    ];
    for (const [where, request] of carriers) {
      const hits = runThreat(
        paddingOracle,
        sent.map((t, i) => request(t.toString('base64'), i)),
      );
      expect(stories(hits), where).toEqual([
        expect.stringMatching(
          new RegExp(`^high CBC padding oracle attack on ${where.replaceAll('$', '\\$')}: `),
        ),
      ]);
    }
    const agents = sent.map((t, i) =>
      httpRequest('/', { ts: i, headers: [['User-Agent', `Mozilla/5.0 (X11) ${t.toString('hex')}`]] }),
    );
    expect(runThreat(paddingOracle, agents)).toEqual([]);
  });

  it('needs a second octet: one octet tried through all its values is what a counter in a token also does', () => {
    const oneOctet = Array.from({ length: 256 }, (_, value) => {
      const varied = Buffer.alloc(16);
      varied[15] = value;
      return Buffer.concat([issued, varied, lastBlock]);
    });
    expect(runThreat(paddingOracle, cookieRequests(oneOctet))).toEqual([]);
  });

  it('leaves alone a token re-sent, new sessions, a counter, a nonce block and base64 text', () => {
    const resent = Array.from({ length: 2_000 }, () => issued);
    const sessions = Array.from({ length: 2_000 }, () => seal(Buffer.from('session of bob')));
    const counter = Array.from({ length: 2_000 }, (_, i) => {
      const token = Buffer.from(issued);
      token.writeUInt32BE(i * 3, token.length - 4);
      return token;
    });
    const nonce = Array.from({ length: 2_000 }, () =>
      Buffer.concat([issued.subarray(0, 64), randomBytes(16)]),
    );
    const text = Array.from({ length: 2_000 }, (_, i) =>
      Buffer.from(JSON.stringify({ cursor: 'orders-after', page: 1000 + i, size: 50 })),
    );
    for (const tokens of [resent, sessions, counter, nonce, text])
      expect(runThreat(paddingOracle, cookieRequests(tokens))).toEqual([]);
  });

  it('leaves alone changes spread past the window, and a client listed in allowClients', async () => {
    const { sent } = await paddingOracleAttack(issued, lastBlock, oracle);
    expect(runThreat(paddingOracle, cookieRequests(sent, 20_000))).toEqual([]);
    expect(
      runThreat(paddingOracle, cookieRequests(sent), { config: { allowClients: ['10.0.0.0/24'] } }),
    ).toEqual([]);
    expect(
      runThreat(paddingOracle, cookieRequests(sent), { config: { ignore: ['cookie remember'] } }),
    ).toEqual([]);
  });

  it('counts per client: the same variants spread over many clients are not one attack', async () => {
    const { sent } = await paddingOracleAttack(issued, lastBlock, oracle);
    const state = paddingOracle.initialState();
    const config = paddingOracle.config.parse({});
    const hits = cookieRequests(sent).flatMap((event, i) =>
      paddingOracle.inspect(event, state, {
        config,
        flow: flow({ client: { ip: `10.1.${i % 50}.7`, port: 4000 } }),
      }),
    );
    expect(hits).toEqual([]);
  });

  it('never throws on hostile values, and keeps at most 4096 tokens', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 40, maxLength: 200 }), { maxLength: 30 }), (values) => {
        const events = values.map((v, i) =>
          httpRequest(`/?d=${encodeURIComponent(v)}`, { ts: i, headers: [['Cookie', `a=${v}`]] }),
        );
        expect(() => runThreat(paddingOracle, events)).not.toThrow();
      }),
    );
    const state = paddingOracle.initialState();
    const config = paddingOracle.config.parse({});
    for (let i = 0; i < 10_000; i++)
      paddingOracle.inspect(cookieRequests([seal(Buffer.from('x'))])[0] as HttpRequestEvent, state, {
        config,
        flow: flow({ client: { ip: `10.${i >> 8}.${i & 255}.1`, port: 4000 } }),
      });
    expect(state.size).toBe(4096);
  });
});

describe('cipherToken and tokenChange', () => {
  it('takes base64, base64url, hex and form-decoded base64 of whole blocks of random octets only', () => {
    const octets = randomBytes(48);
    for (const text of [octets.toString('base64'), octets.toString('base64url'), octets.toString('hex')])
      expect(cipherToken(text)).toEqual(octets);
    expect(cipherToken(octets.toString('base64').replaceAll('+', ' '))).toEqual(octets);
    expect(cipherToken(randomBytes(47).toString('base64'))).toBeUndefined();
    expect(cipherToken(randomBytes(16).toString('base64'))).toBeUndefined();
    expect(cipherToken(Buffer.from('a'.repeat(48)).toString('base64'))).toBeUndefined();
    expect(cipherToken(`${'0'.repeat(60)}0001`)).toBeUndefined();
    expect(cipherToken(`${octets.toString('base64')}!`)).toBeUndefined();
  });

  it('names the one block and octet a change stays in', () => {
    const a = randomBytes(64);
    const b = Buffer.from(a);
    expect(tokenChange(a, b)).toBeUndefined();
    b[37] = (b[37] as number) ^ 0xff;
    expect(tokenChange(a, b)).toEqual({ block: 2, blockSize: 16, octet: 37 });
    b[33] = (b[33] as number) ^ 1;
    expect(tokenChange(a, b)).toEqual({ block: 2, blockSize: 16, octet: -1 });
    b[31] = (b[31] as number) ^ 1;
    expect(tokenChange(a, b)).toEqual({ block: -1, blockSize: 16, octet: -1 });
    const c = Buffer.from(a);
    c[18] = (c[18] as number) ^ 1;
    c[23] = (c[23] as number) ^ 1;
    expect(tokenChange(a, c)).toEqual({ block: 1, blockSize: 16, octet: -1 });
  });
});
