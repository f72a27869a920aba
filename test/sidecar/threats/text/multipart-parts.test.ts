import { describe, expect, it } from 'vitest';
import { multipartParts } from '#sidecar/threats/text/multipart-parts.ts';

// RFC 7578 §4 framing: "--" boundary CRLF, part headers, blank line, content, CRLF; the last delimiter ends in "--".
const body = [
  'preamble is ignored',
  '--AaB03x',
  'Content-Disposition: form-data; name="comment"',
  '',
  "1' OR '1'='1",
  '--AaB03x',
  'Content-Disposition: form-data; name="file"; filename="../../etc/cron.d/x"',
  'Content-Type: text/plain',
  '',
  'line one',
  'line two',
  '--AaB03x--',
  'epilogue',
].join('\r\n');

describe('multipartParts', () => {
  it('reads each part’s name, file name, type and content, content line breaks kept', () => {
    expect(multipartParts(body, 'multipart/form-data; boundary=AaB03x', 16)).toEqual([
      { name: 'comment', content: "1' OR '1'='1" },
      {
        name: 'file',
        filename: '../../etc/cron.d/x',
        contentType: 'text/plain',
        content: 'line one\r\nline two',
      },
    ]);
  });

  it('takes a quoted boundary and bare LF line ends', () => {
    const lf = '--a b\nContent-Disposition: form-data; name=x\n\nvalue\n--a b--\n';
    expect(multipartParts(lf, 'multipart/form-data; boundary="a b"', 16)).toEqual([
      { name: 'x', content: 'value' },
    ]);
  });

  it('is undefined without a boundary or when the body does not hold it, and stops at the bound', () => {
    expect(multipartParts(body, 'multipart/form-data', 16)).toBeUndefined();
    expect(multipartParts(body, 'multipart/form-data; boundary=zzz', 16)).toBeUndefined();
    expect(multipartParts(body, 'multipart/form-data; boundary=AaB03x', 1)).toHaveLength(1);
  });
});

describe('multipartParts: delimiters at a line start only', () => {
  const type = 'multipart/form-data; boundary=AaB03x';
  const form = (...lines: string[]) => lines.join('\r\n');
  const names = (text: string) => multipartParts(text, type, 16)?.map((p) => [p.name, p.content]);

  it('reads `--boundary` inside a value as content: cut there, the rest of the value was dropped, or the form ended', () => {
    const cut = form(
      '--AaB03x',
      'Content-Disposition: form-data; name="q"',
      '',
      "x--AaB03x' OR '1'='1",
      '--AaB03x',
      'Content-Disposition: form-data; name="note"',
      '',
      'x--AaB03x--',
      '--AaB03x',
      'Content-Disposition: form-data; name="id"',
      '',
      '1 UNION SELECT password FROM users',
      '--AaB03x--',
    );
    expect(names(cut)).toEqual([
      ['q', "x--AaB03x' OR '1'='1"],
      ['note', 'x--AaB03x--'],
      ['id', '1 UNION SELECT password FROM users'],
    ]);
  });

  it('splits after a bare LF too, and loses nothing a server that does not split there reads', () => {
    // Go, PHP and Werkzeug end the value at `\n--AaB03x`; busboy and Commons FileUpload read on.
    const bare = form(
      '--AaB03x',
      'Content-Disposition: form-data; name="q"',
      '',
      "a\n--AaB03x\n' OR '1'='1\n--AaB03x--\nx",
      '--AaB03x',
      'Content-Disposition: form-data; name="id"',
      '',
      '2',
      '--AaB03x--',
    );
    expect(names(bare)).toEqual([
      ['q', "a\n--AaB03x\n' OR '1'='1\n--AaB03x--\nx"],
      ['id', '2'],
    ]);
  });

  it('reads the bodies real clients send as before', () => {
    // Captured from `curl -F q=hello -F f=@up.txt` (curl 7.88.1) and `requests.post(url, data={'q': 'hello'},
    // files={'f': open('up.txt', 'rb')})` (python-requests 2.34.2), each by a socket listener on loopback.
    const curl =
      '--------------------------95cf2415e8cc9e9e\r\nContent-Disposition: form-data; name="q"\r\n\r\nhello\r\n--------------------------95cf2415e8cc9e9e\r\nContent-Disposition: form-data; name="f"; filename="up.txt"\r\nContent-Type: text/plain\r\n\r\nfile line one\nline two\n\r\n--------------------------95cf2415e8cc9e9e--\r\n';
    const requests =
      '--e6f449298457ca92d11b33a60c174d0e\r\nContent-Disposition: form-data; name="q"\r\n\r\nhello\r\n--e6f449298457ca92d11b33a60c174d0e\r\nContent-Disposition: form-data; name="f"; filename="up.txt"\r\n\r\nfile line one\nline two\n\r\n--e6f449298457ca92d11b33a60c174d0e--\r\n';
    for (const [body, boundary] of [
      [curl, '------------------------95cf2415e8cc9e9e'],
      [requests, 'e6f449298457ca92d11b33a60c174d0e'],
    ] as const)
      expect(multipartParts(body, `multipart/form-data; boundary=${boundary}`, 16), boundary).toEqual([
        { name: 'q', content: 'hello' },
        expect.objectContaining({ name: 'f', filename: 'up.txt', content: 'file line one\nline two\n' }),
      ]);
  });
});

describe('multipartParts on hostile input', () => {
  it('never throws on random text with boundary-like runs', () => {
    let x = 11;
    for (let n = 0; n < 2_000; n++) {
      const text = Array.from({ length: n % 300 }, () => {
        x = (x * 1_103_515_245 + 12_345) >>> 0;
        return '-b\r\n:;="Content-Disposition name filename'[x % 42];
      }).join('');
      expect(() => multipartParts(text, 'multipart/form-data; boundary=b', 64)).not.toThrow();
    }
  });
});
