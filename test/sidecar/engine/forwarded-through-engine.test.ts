/**
 * A forwarding proxy's header through the whole engine (ADR 28): behind ingress-nginx or Envoy every request comes
 * from the proxy, often many clients' requests on one pooled connection. Threats name the client the request's
 * `X-Forwarded-For` (or `Forwarded`, `X-Real-IP`) gives; password guessing is counted by that client as well as by
 * the peer, per request, so one client's refusals are not lost among everyone's, and forged headers hide nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flowFindingSchema } from '#core/finding.ts';
import type { PacketRecord } from '#sidecar/capture/packet-record.ts';
import { type DefaultObserverOptions, defaultObservers } from '#sidecar/engine/default-observers.ts';
import { formatFindings } from '#sidecar/engine/format-findings.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { trustedProxies } from '#sidecar/protocols/trusted-proxies.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Message, tcpConversation } from './conversation.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-forwarded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ingress = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };
const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const refused = 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n';
const injection = (forwarding: string) =>
  `GET /search?q=1'%20OR%20'1'='1 HTTP/1.1\r\nHost: shop\r\nUser-Agent: sqlmap/1.7\r\n${forwarding}\r\n\r\n`;
const login = (forwarding: string) =>
  `POST /login HTTP/1.1\r\nHost: shop\r\n${forwarding}\r\nContent-Length: 13\r\n\r\nuser=a&pass=b`;

let n = 0;
const inspect = async (records: PacketRecord[], options: DefaultObserverOptions = {}) => {
  const file = join(dir, `c${n++}.pcap`);
  writeFileSync(file, writePcap(records).bytes);
  const proxies = options.trustedProxies === undefined ? {} : { trustedProxies: options.trustedProxies };
  const { findings } = await inspectFile(file, { observers: defaultObservers(options), ...proxies });
  return {
    ...splitFindings(findings),
    table: formatFindings(findings).join('\n'),
  };
};
const sqli = async (messages: Message[], options?: DefaultObserverOptions) => {
  const { threats, table } = await inspect(tcpConversation(ingress, messages), options);
  return { finding: threats.find((t) => t.threat === 'sql-injection'), table };
};

describe('a request through a forwarding proxy', () => {
  it('names the client the proxy appended to X-Forwarded-For, not the one the first client claimed', async () => {
    const { finding, table } = await sqli([
      { from: 'client', data: injection('X-Forwarded-For: 198.51.100.66, 203.0.113.9') },
      { from: 'server', data: ok },
    ]);
    expect(finding).toMatchObject({
      client: { ip: '10.0.0.1', port: 40000 },
      origin: { ip: '203.0.113.9', port: 0 },
      originBy: 'x-forwarded-for',
    });
    expect(table).toContain('203.0.113.9 via 10.0.0.1:40000 → 10.0.0.2:8080');
  });

  it('reads RFC 7239 Forwarded and X-Real-IP too, and names nobody without a forwarding header', async () => {
    const forwarded = await sqli([
      { from: 'client', data: injection('Forwarded: for="[2001:db8::7]:5100";proto=https') },
    ]);
    expect(forwarded.finding).toMatchObject({
      origin: { ip: '2001:db8::7', port: 5100 },
      originBy: 'forwarded',
    });
    const real = await sqli([{ from: 'client', data: injection('X-Real-IP: 203.0.113.9') }]);
    expect(real.finding).toMatchObject({ origin: { ip: '203.0.113.9', port: 0 }, originBy: 'x-real-ip' });
    const none = await sqli([{ from: 'client', data: injection('Accept: */*') }]);
    expect(none.finding).toBeDefined();
    expect(none.finding?.origin).toBeUndefined();
    expect(none.finding?.originBy).toBeUndefined();
  });

  it('skips the proxies it is told to trust (an ingress, then a mesh gateway) and names the client before them', async () => {
    const messages: Message[] = [
      { from: 'client', data: injection('X-Forwarded-For: 203.0.113.9, 10.2.0.5') },
    ];
    expect((await sqli(messages)).finding?.origin?.ip).toBe('10.2.0.5');
    const trusted = await sqli(messages, { trustedProxies: trustedProxies(['10.0.0.0/8']) });
    expect(trusted.finding?.origin?.ip).toBe('203.0.113.9');
  });

  it("takes a load balancer's PROXY header over a request's X-Forwarded-For: the header is the peer's own word", async () => {
    const { finding } = await sqli([
      {
        from: 'client',
        data: `PROXY TCP4 192.0.2.50 10.0.0.2 51234 8080\r\n${injection('X-Forwarded-For: 203.0.113.9')}`,
      },
    ]);
    expect(finding).toMatchObject({ origin: { ip: '192.0.2.50', port: 51234 }, originBy: 'proxy-header' });
  });
});

describe('a client writing its own forwarding headers', () => {
  it('claiming to be the server itself is reported, about the peer; other findings still say what the header says', async () => {
    const { threats } = await inspect(
      tcpConversation(ingress, [
        { from: 'client', data: injection('X-Forwarded-For: 127.0.0.1\r\nX-Real-IP: 127.0.0.1') },
        { from: 'server', data: ok },
      ]),
    );
    const spoof = threats.find((t) => t.threat === 'forwarded-spoofing');
    expect(spoof).toMatchObject({ severity: 'medium', client: { ip: '10.0.0.1' } });
    expect(spoof?.evidence).toContain('x-forwarded-for: 127.0.0.1, x-real-ip: 127.0.0.1 from 10.0.0.1');
    expect(spoof?.origin).toBeUndefined();
    // Behind a trusted proxy, what it appended is its word, even a loopback client of its own; what the client
    // wrote before it is the claim.
    const behind = await inspect(
      tcpConversation(ingress, [
        { from: 'client', data: injection('X-Forwarded-For: 127.0.0.1, 127.0.0.9') },
      ]),
      { trustedProxies: trustedProxies(['10.0.0.1']) },
    );
    const claim = behind.threats.find((t) => t.threat === 'forwarded-spoofing');
    expect(claim?.evidence).toContain('x-forwarded-for: 127.0.0.1 from 10.0.0.1');
    expect(claim?.evidence).not.toContain('127.0.0.9');
    // The origin is the header's word (ADR 28), and forwarded-spoofing says what that word is worth here.
    expect(threats.find((t) => t.threat === 'sql-injection')?.origin).toEqual({ ip: '127.0.0.1', port: 0 });
  });

  it("is reported behind a trusted proxy that adds its own line (HAProxy's option forwardfor)", async () => {
    // Judged line by line, the client's own line ended in the entry a proxy vouches for: its claim passed.
    const { threats } = await inspect(
      tcpConversation(ingress, [
        { from: 'client', data: injection('X-Forwarded-For: 127.0.0.1\r\nX-Forwarded-For: 203.0.113.9') },
      ]),
      { trustedProxies: trustedProxies(['10.0.0.1']) },
    );
    expect(threats.find((t) => t.threat === 'forwarded-spoofing')?.evidence).toContain(
      'x-forwarded-for: 127.0.0.1 from 10.0.0.1',
    );
    expect(threats.find((t) => t.threat === 'sql-injection')?.origin).toEqual({ ip: '203.0.113.9', port: 0 });
  });

  it('from a peer that is not a trusted proxy is reported when trusted proxies are configured', async () => {
    const records = tcpConversation(ingress, [
      { from: 'client', data: login('X-Forwarded-For: 203.0.113.9') },
    ]);
    const untrusted = await inspect(records, { trustedProxies: trustedProxies(['10.42.0.0/16']) });
    expect(untrusted.threats.find((t) => t.threat === 'forwarded-spoofing')?.severity).toBe('low');
    const trusted = await inspect(records, { trustedProxies: trustedProxies(['10.0.0.1']) });
    expect(trusted.threats.find((t) => t.threat === 'forwarded-spoofing')).toBeUndefined();
  });
});

describe('password guessing through a proxy that pools its connections', () => {
  /** 25 refused logins on ONE connection from the proxy, request `i` naming `originOf(i)`. */
  const refusedLogins = async (originOf: (i: number) => string, options: DefaultObserverOptions = {}) => {
    const messages = Array.from({ length: 25 }, (_, i): Message[] => [
      { from: 'client', data: login(`X-Forwarded-For: ${originOf(i)}`) },
      { from: 'server', data: refused },
    ]).flat();
    const { threats } = await inspect(tcpConversation(ingress, messages), options);
    return threats
      .filter((t) => t.threat === 'http-auth-brute-force')
      .map((t) => [t.origin?.ip ?? 'no origin', t.originBy ?? '-', t.client.ip, t.evidence]);
  };

  it('tells the clients of one connection apart: 22 refusals from one are guessing, 3 from another are not', async () => {
    // Without the pairing of responses to requests, every refusal is the proxy's and neither client is named.
    expect(await refusedLogins((i) => (i % 8 === 7 ? '198.51.100.7' : '203.0.113.9'))).toEqual([
      [
        'no origin',
        '-',
        '10.0.0.1',
        expect.stringMatching(/^2\d refused requests within 60000 ms \(401 ×2\d\)$/),
      ],
      [
        '203.0.113.9',
        'x-forwarded-for',
        '10.0.0.1',
        expect.stringMatching(/^2[0-2] refused requests within 60000 ms \(401 ×2[0-2]\)$/),
      ],
    ]);
  });

  it('behind a trusted proxy counts only the clients it names: its own count is everyone behind it', async () => {
    const trusted = { trustedProxies: trustedProxies(['10.0.0.0/24']) };
    expect(await refusedLogins((i) => (i % 8 === 7 ? '198.51.100.7' : '203.0.113.9'), trusted)).toEqual([
      ['203.0.113.9', 'x-forwarded-for', '10.0.0.1', expect.stringMatching(/^2[0-2] refused requests/)],
    ]);
  });

  it('behind a trusted proxy, names the client the proxy appended however long the chain the client wrote before it', async () => {
    // The client pads its own X-Forwarded-For (nginx takes lines of 8 KiB) so that its forged entry, a new address
    // each request, ends exactly at 1 KiB and the proxy's entry comes after. Reading the value's first 1 KiB named
    // the forged addresses, one refusal each, and the trusted proxy itself is not counted: nobody was.
    const padding = '198.18.0.1, '.repeat(84);
    const trusted = { trustedProxies: trustedProxies(['10.0.0.0/24']) };
    expect(await refusedLogins((i) => `${padding}2001:db8::a:${1000 + i}, 203.0.113.9`, trusted)).toEqual([
      ['203.0.113.9', 'x-forwarded-for', '10.0.0.1', expect.stringMatching(/^2\d refused requests/)],
    ]);
  });

  it('counts a client once however the proxies in front spell it: IPv4-mapped, hex, RFC 5952, a zone id', async () => {
    // Each spelling its own caller, 25 refusals were four or five counts below the threshold, and the trusted proxy
    // (whose count is everyone's behind it) is not counted: no finding at all.
    const trusted = { trustedProxies: trustedProxies(['10.0.0.0/24']) };
    const mapped = ['192.0.2.1', '::ffff:192.0.2.1', '::FFFF:c000:201', '0:0:0:0:0:ffff:c000:0201'];
    expect(await refusedLogins((i) => mapped[i % mapped.length] as string, trusted)).toEqual([
      ['192.0.2.1', 'x-forwarded-for', '10.0.0.1', expect.stringMatching(/^2\d refused requests/)],
    ]);
    const linkLocal = ['fe80::1%eth0', 'FE80::1', 'fe80:0:0:0:0:0:0:1%eth1', 'fe80::0001%25eth0', 'fe80::1'];
    expect(await refusedLogins((i) => linkLocal[i % linkLocal.length] as string, trusted)).toEqual([
      ['fe80::1', 'x-forwarded-for', '10.0.0.1', expect.stringMatching(/^2\d refused requests/)],
    ]);
  });

  it('does not let a guesser hide behind forged headers: 25 refusals, each naming a new client, are still its own', async () => {
    expect(await refusedLogins((i) => `192.0.2.${i + 1}`)).toEqual([
      ['no origin', '-', '10.0.0.1', expect.stringMatching(/^2\d refused requests within 60000 ms/)],
    ]);
  });
});

describe('the clients a flow from a trusted proxy carried (ADR 31)', () => {
  const get = (forwarding: string) => `GET / HTTP/1.1\r\nHost: shop\r\n${forwarding}\r\n\r\n`;
  /** One pooled connection from the ingress, a request per forwarding header given; the flow finding and its row. */
  const pooled = async (headers: readonly string[], options: DefaultObserverOptions = {}, first = '') => {
    const messages = headers.flatMap((forwarding, i): Message[] => [
      { from: 'client', data: `${i === 0 ? first : ''}${get(forwarding)}` },
      { from: 'server', data: ok },
    ]);
    const { flows, table } = await inspect(tcpConversation(ingress, messages), options);
    const flow = flows.find((f) => f.server.port === 8080);
    return { flow, forwarded: flow?.l7?.forwarded, row: table.split('\n').find((l) => l.includes(':8080')) };
  };
  const ingressTrusted = { trustedProxies: trustedProxies(['10.0.0.1']) };

  it('lists the first 8 distinct clients in order, each with its header, and counts the requests past them', async () => {
    const clients = Array.from({ length: 10 }, (_, i) => `203.0.113.${i + 1}`);
    const headers = [
      ...clients.map((ip) => `X-Forwarded-For: 198.51.100.66, ${ip}`),
      'X-Forwarded-For: 203.0.113.1',
      'X-Forwarded-For: 203.0.113.10',
      'Accept: */*',
    ];
    const { flow, forwarded, row } = await pooled(headers, ingressTrusted);
    expect(forwarded).toEqual({
      clients: clients.slice(0, 8).map((ip) => ({ ip, by: 'x-forwarded-for' })),
      otherRequests: 3,
    });
    expect(flowFindingSchema.parse(flow)).toEqual(flow);
    expect(flow?.client).toEqual({ ip: '10.0.0.1', port: 40000 });
    expect(row).toMatch(/^203\.0\.113\.1,203\.0\.113\.2,\+6,… via 10\.0\.0\.1:40000 → 10\.0\.0\.2:8080 /);
  });

  it('names each client by its header, past the proxies trusted, and counts none twice', async () => {
    const { forwarded, row } = await pooled(
      [
        'X-Forwarded-For: 192.0.2.1, 10.0.0.9',
        'Forwarded: for="[2001:db8::7]:5100";proto=https',
        'X-Real-IP: 198.51.100.7',
        'X-Forwarded-For: 192.0.2.1',
      ],
      { trustedProxies: trustedProxies(['10.0.0.0/24']) },
    );
    expect(forwarded).toEqual({
      clients: [
        { ip: '192.0.2.1', by: 'x-forwarded-for' },
        { ip: '2001:db8::7', by: 'forwarded' },
        { ip: '198.51.100.7', by: 'x-real-ip' },
      ],
    });
    expect(row).toMatch(/^192\.0\.2\.1,2001:db8::7,\+1 via 10\.0\.0\.1:40000 → /);
  });

  it('lists nobody from a peer that is not a trusted proxy, or with none trusted: its header is its claim', async () => {
    const headers = ['X-Forwarded-For: 203.0.113.9'];
    expect((await pooled(headers)).forwarded).toBeUndefined();
    expect(
      (await pooled(headers, { trustedProxies: trustedProxies(['10.42.0.0/16']) })).forwarded,
    ).toBeUndefined();
    const { flow, row } = await pooled(['Accept: */*'], ingressTrusted);
    expect(flow?.l7?.forwarded).toBeUndefined();
    expect(row).toMatch(/^10\.0\.0\.1:40000 → /);
  });

  it('behind a PROXY header, trusts the client it named, not the balancer: that client wrote the header', async () => {
    const proxy = 'PROXY TCP4 192.0.2.50 10.0.0.2 51234 8080\r\n';
    const headers = ['X-Forwarded-For: 203.0.113.9'];
    const trusted = await pooled(headers, { trustedProxies: trustedProxies(['192.0.2.50']) }, proxy);
    expect(trusted.forwarded).toEqual({ clients: [{ ip: '203.0.113.9', by: 'x-forwarded-for' }] });
    expect(trusted.row).toMatch(/^203\.0\.113\.9 via 192\.0\.2\.50:51234 via 10\.0\.0\.1:40000 → /);
    expect((await pooled(headers, ingressTrusted, proxy)).forwarded).toBeUndefined();
  });
});
