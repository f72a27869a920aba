/** Who a request's forwarding header names (ADR 28): the rightmost hop that is not a trusted proxy. */
import { describe, expect, it } from 'vitest';
import type { Header } from '#sidecar/events.ts';
import { forwardedClient, forwardingHeaders, hopAddress } from '#sidecar/protocols/http-forwarded.ts';
import { trustedProxies } from '#sidecar/protocols/trusted-proxies.ts';

const h = (...pairs: [string, string][]): Header[] => pairs;

describe('a hop address', () => {
  it.each([
    ['192.0.2.1', { ip: '192.0.2.1', port: 0 }],
    [' 192.0.2.1:4711 ', { ip: '192.0.2.1', port: 4711 }],
    ['2001:db8::1', { ip: '2001:db8::1', port: 0 }],
    ['[2001:db8::1]', { ip: '2001:db8::1', port: 0 }],
    ['[2001:db8:cafe::17]:4711', { ip: '2001:db8:cafe::17', port: 4711 }],
  ])('reads %s', (text, expected) => expect(hopAddress(text)).toEqual(expected));

  it.each([
    'unknown',
    '_hidden',
    '',
    '192.0.2.1:99999',
    '192.0.2.300',
    '[192.0.2.1]:80',
    '[2001:db8::1',
    '2001:db8::1:80:x',
    'example.com',
  ])('refuses %j', (text) => expect(hopAddress(text)).toBeUndefined());
});

describe('the forwarded client', () => {
  it('is the rightmost X-Forwarded-For entry: the one our peer wrote, not what the first client claimed', () => {
    expect(forwardedClient(h(['X-Forwarded-For', '198.51.100.7, 203.0.113.9']))).toEqual({
      ip: '203.0.113.9',
      port: 0,
      by: 'x-forwarded-for',
    });
  });

  it('joins repeated header lines in order (RFC 9110 §5.3)', () => {
    const headers = h(['x-forwarded-for', '198.51.100.7'], ['X-Forwarded-For', '203.0.113.9']);
    expect(forwardedClient(headers)?.ip).toBe('203.0.113.9');
  });

  it('skips trusted proxies from the right, and takes the leftmost when every hop is trusted', () => {
    const chain = h(['X-Forwarded-For', '198.51.100.7, 203.0.113.9, 10.1.2.3, 10.4.5.6']);
    const cluster = trustedProxies(['10.0.0.0/8']);
    expect(forwardedClient(chain, cluster)?.ip).toBe('203.0.113.9');
    expect(forwardedClient(h(['X-Forwarded-For', '10.9.9.9, 10.1.2.3']), cluster)?.ip).toBe('10.9.9.9');
  });

  it('names nobody when the hop to name is not an address: an untrusted hop is never skipped', () => {
    const cluster = trustedProxies(['10.0.0.0/8']);
    expect(
      forwardedClient(h(['X-Forwarded-For', '203.0.113.9, garbage, 10.1.2.3']), cluster),
    ).toBeUndefined();
    expect(forwardedClient(h(['X-Forwarded-For', '203.0.113.9, unknown']))).toBeUndefined();
  });

  it('reads RFC 7239 Forwarded: quoted IPv6 with a port, several elements, other parameters', () => {
    const headers = h([
      'Forwarded',
      'for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711";host=shop',
    ]);
    expect(forwardedClient(headers)).toEqual({ ip: '2001:db8:cafe::17', port: 4711, by: 'forwarded' });
    expect(forwardedClient(h(['Forwarded', 'for=_hidden']))).toBeUndefined();
  });

  it('splits Forwarded elements and pairs only outside quoted strings (RFC 7239 §4, quoted-strings with , ; and \\")', () => {
    const cluster = trustedProxies(['192.0.2.0/24']);
    const one = (value: string, trusted = cluster) => forwardedClient(h(['Forwarded', value]), trusted);
    expect(one('for="[2001:db8::1]:4711";by="a,b", for=192.0.2.60')).toEqual({
      ip: '2001:db8::1',
      port: 4711,
      by: 'forwarded',
    });
    // Split at the comma inside by="…", the last element read `for=198.51.100.77"`: nobody was named.
    expect(one('for=203.0.113.9;by="x, for=198.51.100.77"', undefined)?.ip).toBe('203.0.113.9');
    // A proxy that writes the client's Host into its own element: a Host of `shop, for=198.51.100.77;x` named
    // 198.51.100.77, whom the client chose, as the rightmost hop.
    expect(one('for=203.0.113.9;host="shop, for=198.51.100.77;x"', undefined)?.ip).toBe('203.0.113.9');
    // A quoted-pair: \" does not end the string, \\ is one backslash and does not escape the quote after it.
    expect(one('for=203.0.113.9;by="a\\", for=198.51.100.77;b=\\\\", for=192.0.2.61')?.ip).toBe(
      '203.0.113.9',
    );
    expect(one('for="203.0.113.9";by="a\\\\", for=192.0.2.61')?.ip).toBe('203.0.113.9');
  });

  it('a Forwarded element without for= is a hop nobody vouches for: the client before it is not named', () => {
    const proxy = trustedProxies(['192.0.2.0/24']);
    // The client sent `for=127.0.0.1`; the trusted proxy added an element naming no client (proto only).
    expect(
      forwardedClient(h(['Forwarded', 'for=127.0.0.1, proto=https;by=192.0.2.5']), proxy),
    ).toBeUndefined();
    expect(forwardedClient(h(['Forwarded', 'for=127.0.0.1, proto=https']), proxy)).toBeUndefined();
    // Empty elements are not hops (RFC 9110 §5.6.1); an element with its for= is read as before.
    expect(forwardedClient(h(['Forwarded', 'for=203.0.113.9, , ']), proxy)?.ip).toBe('203.0.113.9');
    expect(forwardedClient(h(['Forwarded', 'for=127.0.0.1, proto=https;for=203.0.113.9']), proxy)?.ip).toBe(
      '203.0.113.9',
    );
  });

  it('names nobody from a Forwarded header with a quoted string left open, however it is shaped', () => {
    // Read from the left, the client's open quote takes in the proxy's element: the header has no reading to trust.
    expect(forwardedClient(h(['Forwarded', 'for=198.51.100.77;by="x, for=203.0.113.9']))).toBeUndefined();
    expect(forwardedClient(h(['Forwarded', '"for=203.0.113.9']))).toBeUndefined();
    for (const hostile of [
      '"'.repeat(4095),
      `"${'\\'.repeat(2047)}`,
      `${'\\"'.repeat(1365)}"`,
      ';"'.repeat(2048),
    ])
      expect(forwardedClient(h(['Forwarded', hostile]))).toBeUndefined();
  });

  it('keeps the right of a long Forwarded header whose 2 KiB cut falls inside a quoted string', () => {
    const cluster = trustedProxies(['10.0.0.0/8']);
    // The element cut through is dropped; the quoted text that is read holds commas and `for=` and is not split.
    const forged = `for=198.51.100.1;host="${'a, for=198.51.100.77;'.repeat(150)}"`;
    expect(forwardedClient(h(['Forwarded', `${forged}, for=203.0.113.9, for=10.1.1.1`]), cluster)).toEqual({
      ip: '203.0.113.9',
      port: 0,
      by: 'forwarded',
    });
    // Only the cut element before the trusted hop: every hop read is trusted, the client is not in what was read.
    expect(forwardedClient(h(['Forwarded', `${forged}, for=10.1.1.1`]), cluster)).toBeUndefined();
  });

  it('names a client in one spelling however a proxy wrote it (IPv4-mapped, RFC 5952, zone id), and matches trusted proxies in it', () => {
    const named = (name: string, value: string) => forwardedClient(h([name, value]))?.ip;
    expect([
      named('X-Forwarded-For', '::ffff:192.0.2.1'),
      named('X-Forwarded-For', '::FFFF:c000:201'),
      named('Forwarded', 'for="[::ffff:c000:201]:4711"'),
      named('X-Real-IP', '0:0:0:0:0:ffff:192.0.2.1'),
    ]).toEqual(['192.0.2.1', '192.0.2.1', '192.0.2.1', '192.0.2.1']);
    expect([
      named('X-Forwarded-For', 'FE80:0::1%eth0'),
      named('Forwarded', 'for="[fe80::1%25eth0]"'),
      named('X-Forwarded-For', '2001:DB8:0:0:0:0:0:1'),
    ]).toEqual(['fe80::1', 'fe80::1', '2001:db8::1']);
    const cluster = trustedProxies(['10.0.0.0/8', 'fe80::/10']);
    expect(
      forwardedClient(h(['X-Forwarded-For', '::ffff:c000:201, ::ffff:10.1.2.3, fe80::7%eth0']), cluster),
    ).toEqual({
      ip: '192.0.2.1',
      port: 0,
      by: 'x-forwarded-for',
    });
  });

  it('prefers X-Forwarded-For to a Forwarded header a client could have sent through a proxy that manages only XFF', () => {
    const headers = h(['Forwarded', 'for=192.0.2.1'], ['X-Forwarded-For', '203.0.113.9']);
    expect(forwardedClient(headers)).toEqual({ ip: '203.0.113.9', port: 0, by: 'x-forwarded-for' });
  });

  it("reads only the header the trusted proxies write when told: a client's own X-Forwarded-For then names nobody", () => {
    const headers = h(['X-Forwarded-For', '192.0.2.66'], ['X-Real-IP', '203.0.113.9']);
    expect(forwardedClient(headers)?.ip).toBe('192.0.2.66');
    const nginx = trustedProxies(['10.42.0.0/16'], 'test', 'x-real-ip');
    expect(forwardedClient(headers, nginx)).toEqual({ ip: '203.0.113.9', port: 0, by: 'x-real-ip' });
    expect(forwardedClient(h(['X-Forwarded-For', '192.0.2.66']), nginx)).toBeUndefined();
    const haproxy = trustedProxies(['10.42.0.0/16'], 'test', 'forwarded');
    expect(
      forwardedClient(h(['X-Forwarded-For', '192.0.2.66'], ['Forwarded', 'for=203.0.113.9']), haproxy)?.ip,
    ).toBe('203.0.113.9');
  });

  it('reads X-Real-IP when there is nothing else, but not a repeated one', () => {
    expect(forwardedClient(h(['X-Real-IP', '203.0.113.9']))?.by).toBe('x-real-ip');
    expect(forwardedClient(h(['X-Real-IP', '203.0.113.9'], ['X-Real-IP', '192.0.2.1']))).toBeUndefined();
    expect(forwardedClient(h(['Host', 'shop']))).toBeUndefined();
  });

  it('reads at most 16 hops from the right of a long chain, and only the last 2 KiB of its text', () => {
    const cluster = trustedProxies(['10.0.0.0/8']);
    const many = Array.from({ length: 40 }, (_, i) => `10.0.${i}.1`).join(', ');
    // Every hop of the 16 read is trusted and the client is among the 24 not read: nobody is named.
    expect(forwardedClient(h(['X-Forwarded-For', many]), cluster)).toBeUndefined();
    expect(forwardedClient(h(['X-Forwarded-For', many]))?.ip).toBe('10.0.39.1');
    const long = `${'1'.repeat(5000)}, 203.0.113.9`;
    expect(forwardedClient(h(['X-Forwarded-For', long]))?.ip).toBe('203.0.113.9');
    // Where the 2 KiB cut falls inside an entry, that entry is dropped: 192.0.2.1 cut to 92.0.2.1 would name another
    // address. Here the cut falls after the 1 of 192.0.2.1, the client behind one trusted hop.
    const suffix = `192.0.2.1,${' '.repeat(2031)}10.1.1.1`;
    const padded = `203.0.113.5, ${suffix}`;
    expect(padded.slice(padded.length - 2048).startsWith('92.0.2.1,')).toBe(true);
    expect(forwardedClient(h(['X-Forwarded-For', padded]), cluster)).toBeUndefined();
    expect(forwardedClient(h(['X-Forwarded-For', `203.0.113.5, 192.0.2.1, 10.1.1.1`]), cluster)?.ip).toBe(
      '192.0.2.1',
    );
  });

  it('keeps only the forwarding headers for a response to be paired with', () => {
    const headers = h(
      ['Host', 'shop'],
      ['X-Forwarded-For', '203.0.113.9'],
      ['Cookie', 'a=b'],
      ['X-Real-IP', '1.2.3.4'],
    );
    expect(forwardingHeaders(headers)).toEqual([
      ['X-Forwarded-For', '203.0.113.9'],
      ['X-Real-IP', '1.2.3.4'],
    ]);
    expect(forwardingHeaders(h(['Host', 'shop']))).toHaveLength(0);
  });

  it("joins each forwarding header's lines, so the last line (a proxy's own) is kept however many came before", () => {
    const lines = Array.from({ length: 20 }, (_, i): [string, string] => ['x-forwarded-for', `192.0.2.${i}`]);
    const kept = forwardingHeaders(h(...lines, ['x-forwarded-for', '203.0.113.9']));
    expect(kept).toHaveLength(1);
    expect(forwardedClient(kept)?.ip).toBe('203.0.113.9');
  });
});

describe('trusted proxies', () => {
  it('holds addresses and CIDRs of both families', () => {
    const list = trustedProxies(['10.0.0.0/8', '192.0.2.7', 'fd00::/8', ' 2001:db8::1 ']);
    expect(['10.200.1.1', '192.0.2.7', 'fd12::1', '2001:db8::1'].map((ip) => list.has(ip))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['11.0.0.1', '192.0.2.8', 'fe80::1', 'garbage'].map((ip) => list.has(ip))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it.each(['0.0.0.0/0', '::/0', '10.0.0.0/0'])('refuses %j, which would trust every address', (entry) => {
    expect(() => trustedProxies([entry], 'MESHWARD_TRUSTED_PROXIES')).toThrow(
      `MESHWARD_TRUSTED_PROXIES: "${entry}" trusts every address, so any client could name any other`,
    );
  });

  it.each(['10.0.0.0/33', '10.0.0/8', 'fd00::/129', 'ingress', '10.0.0.1/8/2', '10.0.0.0/x'])(
    'refuses %j with a message naming it',
    (entry) => {
      expect(() => trustedProxies([entry], 'MESHWARD_TRUSTED_PROXIES')).toThrow(
        `MESHWARD_TRUSTED_PROXIES: "${entry}" is not an IPv4 or IPv6 address or CIDR`,
      );
    },
  );
});
