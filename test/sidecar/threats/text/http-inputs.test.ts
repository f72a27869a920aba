import { describe, expect, it } from 'vitest';
import { httpInputs } from '#sidecar/threats/text/http-inputs.ts';
import { protobufText } from '#test/fixtures/protocols/protobuf-encode.ts';
import { httpRequest } from '../threat-factories.ts';

const where = (event: Parameters<typeof httpInputs>[0]) => httpInputs(event).map((i) => [i.where, i.decoded]);

describe('httpInputs', () => {
  it('splits query parameters (with + as space), cookies and headers, and decodes each value', () => {
    const event = httpRequest('/a%20b?q=1+OR+1%3D1&x=%253Cb%253E', {
      headers: [
        ['Cookie', 'sid=abc; pref=%3Cs%3E'],
        ['User-Agent', 'curl/8'],
      ],
    });
    expect(where(event)).toEqual([
      ['path', '/a b'],
      ['query q', '1 OR 1=1'],
      ['query x', '<b>'],
      ['header host', 'shop.example'],
      ['cookie sid', 'abc'],
      ['cookie pref', '<s>'],
      ['header user-agent', 'curl/8'],
    ]);
  });

  it('judges what is left past 256 inputs as one input per part, so nothing after them goes unread (ADR 30)', () => {
    const query = `${Array.from({ length: 300 }, (_, i) => `a${i}=1`).join('&')}&q=%27last`;
    const headers: [string, string][] = Array.from({ length: 10 }, (_, i) => [`X-H${i}`, 'v']);
    const inputs = where(httpRequest(`/s?${query}`, { headers: [...headers, ['User-Agent', 'late']] }));
    expect(inputs).toHaveLength(256 + 2);
    expect(inputs[256]?.[0]).toBe('query (rest)');
    expect(inputs[256]?.[1]).toMatch(/^a255=1&a256=1&.*&a299=1&q='last$/);
    expect(inputs[257]).toEqual(['headers (rest)', expect.stringContaining('User-Agent: late')]);
    const json = httpRequest('/j', {
      headers: [['Content-Type', 'application/json']],
      body: JSON.stringify({ a: Array(300).fill('x'), q: 'last' }),
    });
    expect(where(json).at(-1)).toEqual(['json (rest)', expect.stringContaining('"q":"last"')]);
    // gRPC: 300 text fields in one message; those past the bound are judged as one, a line each.
    const fields = [
      ...Array.from({ length: 300 }, (_, i) => protobufText(1, `v${i}`)).flat(),
      ...protobufText(2, 'last'),
    ];
    const grpc = {
      ...httpRequest('/shop.Catalog/Search', { headers: [['Content-Type', 'application/grpc']], body: 'x' }),
      body: Uint8Array.from([0, ...[24, 16, 8, 0].map((s) => (fields.length >>> s) & 0xff), ...fields]),
    };
    const grpcInputs = where(grpc);
    expect(grpcInputs).toHaveLength(256 + 1);
    expect(grpcInputs[255]).toEqual(['grpc $.1', 'v252']);
    expect(grpcInputs[256]).toEqual(['grpc (rest)', expect.stringMatching(/^v253\nv254\n.*\nv299\nlast$/s)]);
  });

  it('reads form bodies and every JSON string (and odd keys), falling back to the raw body', () => {
    const form = httpRequest('/f', {
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: 'a=1&b=%27x%27',
    });
    expect(where(form).slice(-2)).toEqual([
      ['form a', '1'],
      ['form b', "'x'"],
    ]);
    const json = httpRequest('/j', {
      headers: [['Content-Type', 'application/json']],
      body: '{"u":{"n":"x","l":["y",2]},"<k>":1}',
    });
    expect(where(json).filter(([w]) => w?.startsWith('json'))).toEqual([
      ['json $.u.n', 'x'],
      ['json $.u.l[0]', 'y'],
      ['json $ key', '<k>'],
    ]);
    const broken = httpRequest('/j', { headers: [['Content-Type', 'application/json']], body: '{"u": "x' });
    expect(where(broken).at(-1)).toEqual(['body', '{"u": "x']);
  });

  it('skips framing headers and computes the inputs once per event', () => {
    const event = httpRequest('/', {
      headers: [
        ['Content-Length', '0'],
        ['Transfer-Encoding', 'chunked'],
      ],
    });
    expect(where(event).map(([w]) => w)).toEqual(['path', 'header host']);
    expect(httpInputs(event)).toBe(httpInputs(event));
  });
});

describe('httpInputs: compressed and multipart bodies', () => {
  const withBody = (headers: [string, string][], body: Uint8Array) => ({
    ...httpRequest('/api', { headers, body: 'x' }),
    body,
  });

  it('reads a gzip-compressed JSON body as the application does, decoded', async () => {
    const { gzipSync } = await import('node:zlib');
    const event = withBody(
      [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'gzip'],
      ],
      new Uint8Array(gzipSync('{"q":"1 UNION SELECT password FROM users--"}')),
    );
    expect(where(event)).toContainEqual(['json $.q', '1 UNION SELECT password FROM users--']);
  });

  it('splits a multipart form into its fields, a file’s name as its own input, a JSON part into its strings', () => {
    const body = [
      '--b',
      'Content-Disposition: form-data; name="q"',
      '',
      '<script>alert(1)</script>',
      '--b',
      'Content-Disposition: form-data; name="meta"',
      'Content-Type: application/json',
      '',
      '{"tag":"../../etc/passwd"}',
      '--b',
      'Content-Disposition: form-data; name="upload"; filename="..\\..\\win.ini"',
      'Content-Type: application/octet-stream',
      '',
      'MZ\u0000\u0001binary',
      '--b--',
    ].join('\r\n');
    const event = withBody(
      [['Content-Type', 'multipart/form-data; boundary=b']],
      new TextEncoder().encode(body),
    );
    expect(where(event).filter(([w]) => String(w).startsWith('multipart'))).toEqual([
      ['multipart q', '<script>alert(1)</script>'],
      ['multipart meta $.tag', '../../etc/passwd'],
      ['multipart upload filename', '..\\..\\win.ini'],
    ]);
  });

  it('reads the fields after a long file in a gzip multipart body, decoded: later headers and fields, no file content', async () => {
    const { gzipSync } = await import('node:zlib');
    const part = (name: string, content: string, file = '') =>
      `--b\r\nContent-Disposition: form-data; name="${name}"${file}\r\n\r\n${content}\r\n`;
    // Read as 128 KiB of decoded text, the field after 300,000 octets was not judged (after 70,000 it was, with 70,000
    // octets of file content).
    for (const size of [300_000, 70_000]) {
      const form = `${part('upload', 'A'.repeat(size), '; filename="big.bin"')}${part('q', "1' OR '1'='1")}--b--\r\n`;
      const event = withBody(
        [
          ['Content-Type', 'multipart/form-data; boundary=b'],
          ['Content-Encoding', 'gzip'],
        ],
        new Uint8Array(gzipSync(form)),
      );
      const inputs = httpInputs(event).filter((i) => i.where.startsWith('multipart'));
      expect(
        inputs.map((i) => i.where),
        String(size),
      ).toEqual(['multipart upload filename', 'multipart upload', 'multipart q']);
      expect(inputs[2]?.decoded).toBe("1' OR '1'='1");
      // The file's content past the first 64 KiB is skipped, as the parser's tail skips a plain body's.
      expect(inputs[1]?.decoded.length).toBeLessThan(65_536);
    }
  });

  it("finds a browser's boundary as sent: lowercased, it was not found and the form was judged as one input", () => {
    const body = [
      '------WebKitFormBoundaryAbCdEf',
      'Content-Disposition: form-data; name="avatar"; filename="../../.ssh/authorized_keys"',
      '',
      'ssh-ed25519 AAAA',
      '------WebKitFormBoundaryAbCdEf--',
    ].join('\r\n');
    const event = withBody(
      [['Content-Type', 'multipart/form-data; boundary=----WebKitFormBoundaryAbCdEf']],
      new TextEncoder().encode(body),
    );
    expect(where(event).filter(([w]) => String(w).startsWith('multipart'))).toEqual([
      ['multipart avatar filename', '../../.ssh/authorized_keys'],
      ['multipart avatar', 'ssh-ed25519 AAAA'],
    ]);
  });
});
