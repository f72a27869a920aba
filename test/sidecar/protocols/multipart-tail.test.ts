/**
 * The multipart reader past a request body's bound: later fields and file names kept, file contents skipped, the same
 * whatever the chunking, bounded, and the whole request through the HTTP/1 parser.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { HttpRequestEvent } from '#sidecar/events.ts';
import { http } from '#sidecar/protocols/http.ts';
import { createMultipartTail, multipartTailBytes } from '#sidecar/protocols/multipart-tail.ts';
import { multipartParts } from '#sidecar/threats/text/multipart-parts.ts';

const type = 'multipart/form-data; boundary=----x7';
const part = (name: string, content: string, filename?: string) =>
  `------x7\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n\r\n${content}\r\n`;
const ascii = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder('latin1').decode(bytes);

/** The rest of a body after a cut inside a first file: a field, a second file, another field, the close. */
const rest = `${'f'.repeat(5000)}\r\n${part('q', "1' OR '1'='1")}${part('doc', 'z'.repeat(20_000), '../../etc/passwd')}${part('note', 'hello')}------x7--\r\n`;

const tailOf = (chunk: number): string => {
  const tail = createMultipartTail(type);
  const bytes = ascii(rest);
  for (let at = 0; at < bytes.length; at += chunk) tail?.feed(bytes.subarray(at, at + chunk));
  return text(tail?.result() ?? new Uint8Array(0));
};

describe('multipart tail', () => {
  it('keeps later fields and file names, skips file contents, the same in any chunking', () => {
    const whole = tailOf(rest.length);
    const parts = multipartParts(`${part('upload', 'ffff', 'big.bin')}${whole}`, type, 100);
    expect(parts?.map((p) => [p.name, p.filename, p.content])).toEqual([
      ['upload', 'big.bin', 'ffff\r\n'],
      ['q', undefined, "1' OR '1'='1"],
      ['doc', '../../etc/passwd', ''],
      ['note', undefined, 'hello'],
    ]);
    expect(whole).not.toContain('zzz');
    for (const chunk of [1, 3, 7, 10, 1000]) expect(tailOf(chunk), String(chunk)).toBe(whole);
  });

  it('keeps at most 64 KiB of later parts, and reads nothing for other types or without a boundary', () => {
    const tail = createMultipartTail(type);
    tail?.feed(ascii(`x\r\n${part('a', 'b'.repeat(200_000))}`));
    // What is kept, then the close put after it.
    expect(tail?.result().length).toBeLessThanOrEqual(multipartTailBytes + '\r\n------x7--\r\n'.length);
    expect(createMultipartTail('application/json')).toBeUndefined();
    expect(createMultipartTail('multipart/form-data')).toBeUndefined();
  });

  it('through the HTTP/1 parser: a field after a 70,000-octet file is in the request body, told once at its end', () => {
    const body = `${part('upload', 'A'.repeat(70_000), 'big.bin')}${part('q', "1' OR '1'='1")}------x7--\r\n`;
    const head = `POST /upload HTTP/1.1\r\nHost: shop\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`;
    const parser = http.createParser();
    const bytes = ascii(head + body);
    const events: HttpRequestEvent[] = [];
    for (let at = 0; at < bytes.length; at += 1448)
      events.push(...(parser.parse(bytes.subarray(at, at + 1448), 'to-server', at) as HttpRequestEvent[]));
    expect(events).toHaveLength(1);
    expect(events[0]?.bodyTruncated).toBe(true);
    const parts = multipartParts(text(events[0]?.body ?? new Uint8Array(0)), type, 10);
    expect(parts?.map((p) => p.name)).toEqual(['upload', 'q']);
    expect(parts?.[1]?.content).toBe("1' OR '1'='1");
  });
  it('reads no tail of a body with a Content-Encoding: such a request is told at the bound, its octets as sent', () => {
    expect(createMultipartTail(type, 'gzip')).toBeUndefined();
    expect(createMultipartTail(type, 'identity')).toBeDefined();
    // Stored deflate blocks (level 0) hold the parts as they are: the tail found them and appended them, as text, to
    // the compressed octets kept.
    const form = `${part('upload', 'A'.repeat(70_000), 'big.bin')}${part('q', "1' OR '1'='1")}------x7--\r\n`;
    const body = gzipSync(form, { level: 0 });
    const head = `POST /upload HTTP/1.1\r\nContent-Type: ${type}\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`;
    const events = http
      .createParser()
      .parse(new Uint8Array(Buffer.concat([ascii(head), body])), 'to-server', 1);
    expect(
      events.map((e) => [(e as HttpRequestEvent).body.length, (e as HttpRequestEvent).bodyTruncated]),
    ).toEqual([[65_536, true]]);
  });
  it('ends at a close after CRLF only: a `--boundary--` in a value, or after a bare LF, hid the parts after it', () => {
    const tail = createMultipartTail(type, '', 0x0a);
    const later = `${part('note', 'x------x7--')}${part('memo', 'y\n------x7--\nz')}${part('q', "1' OR '1'='1")}------x7--\r\n`;
    tail?.feed(ascii(`fff\r\n${later}`));
    const parts = multipartParts(
      `${part('upload', 'ffff', 'big.bin')}${text(tail?.result() ?? new Uint8Array(0))}`,
      type,
      10,
    );
    expect(parts?.map((p) => [p.name, p.content])).toEqual([
      ['upload', 'ffff\r\n'],
      ['note', 'x------x7--'],
      ['memo', 'y\n------x7--\nz'],
      ['q', "1' OR '1'='1"],
    ]);
  });

  it('takes a delimiter right at the bound only after a line end kept before it', () => {
    const at = (before: number) => {
      const tail = createMultipartTail(type, '', before);
      tail?.feed(ascii(`------x7\r\n${part('q', 'v').slice('------x7\r\n'.length)}------x7--\r\n`));
      return text(tail?.result() ?? new Uint8Array(0));
    };
    expect(at(0x0a)).toContain('name="q"');
    expect(at(0x41)).toBe('');
  });
});
