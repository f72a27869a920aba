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
