import { describe, expect, it } from 'vitest';
import { crlfVerdict, isField, mediumReason } from '#sidecar/threats/text/crlf-verdict.ts';

const { line, field } = crlfVerdict;

describe('crlfVerdict.line (query, path, header, cookie values)', () => {
  it.each([
    ['/home\r\nSet-Cookie: session=attacker', 'an injected Set-Cookie header'],
    ['x\nLocation: https://evil.example/', 'an injected Location header'],
    ['x\rRefresh: 0; url=https://evil.example/', 'an injected Refresh header'],
    ['\u560a\u560dSet-Cookie: a=b', 'an injected Set-Cookie header'],
    ['/\u010d\u010aLocation: //evil', 'an injected Location header'],
    [
      'x\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK',
      'HTTP response splitting (a blank line, then a second body)',
    ],
    ['x\r\n\r\n<script>alert(1)</script>', 'HTTP response splitting (a blank line, then a second body)'],
    ['x\r\nHTTP/1.1 200 OK', 'HTTP response splitting (a second status line)'],
    ['x\r\nX-Forwarded-Host: evil\r\nSet-Cookie: a=b', 'an injected Set-Cookie header'],
    ['x\r\nContent-Type: text/html', 'a line break then the header Content-Type'],
    ['x\r\nX-Injected: 1', 'a line break then the header X-Injected'],
    ['a@b.example\nBcc: victim@c.example', 'a line break then the mail header Bcc'],
    ['x\r\nHost: evil.example', 'a line break then the header Host'],
    [`${'a'.repeat(5000)}\r\nSet-Cookie: a=b`, 'an injected Set-Cookie header'],
  ])('%j: %s', (text, reason) => {
    expect(line(text)).toBe(reason);
  });

  it.each([
    'plain value',
    'x\r\nnot a header',
    'x\r\n Set-Cookie: folded onto the line before',
    'x\r\nTo: nobody (no address)',
    'Hello\r\nSubject: no mail header but addresses is reported',
    'Agenda\r\nLocation: Room 4',
    'x\r\nSet-Cookie: is a header',
    'x\r\n\r\nplain second paragraph',
    '上Set-Cookie: one character folding to LF is Chinese prose, not a break',
    'Set-Cookie: a=b (no break before it)',
  ])('%j: nothing', (text) => {
    expect(line(text)).toBeUndefined();
  });
});

describe('crlfVerdict.field (form, JSON, multipart, WebSocket values)', () => {
  it.each([
    ['en\r\nSet-Cookie: a=b', 'an injected Set-Cookie header'],
    ['\r\nLocation: //evil', 'an injected Location header'],
    ['x\r\nContent-Length: 0\r\n\r\n<html>', 'HTTP response splitting (a blank line, then a second body)'],
    ['a@b.example\nBcc: victim@c.example', 'a line break then the mail header Bcc'],
  ])('%j: %s', (text, reason) => {
    expect(field(text)).toBe(reason);
  });

  it.each([
    'Dear team,\r\nSet-Cookie: is what the server sends, see below.',
    'Thanks!\n\n<details><summary>log</summary></details>',
    'x\r\n\r\n<script>alert(1)</script>',
    'Received: from mx.example\r\nContent-Type: text/plain\r\nFrom: a@b.example',
    'POST /api HTTP/1.1\r\nContent-Type: application/json',
    'note\nthen\nLocation: later lines are prose',
  ])('%j: nothing', (text) => {
    expect(field(text)).toBeUndefined();
  });
});

describe('isField and mediumReason', () => {
  it('tells body fields from the rest, and the lesser reasons from the takeovers', () => {
    expect(
      ['form a', 'json $.a', 'multipart a', 'body', 'websocket json $.a', 'grpc $.1'].map(isField),
    ).toEqual([true, true, true, true, true, true]);
    expect(['query a', 'path', 'header referer', 'cookie sid'].map(isField)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(mediumReason('a line break then the header X-A')).toBe(true);
    expect(mediumReason('an injected Location header')).toBe(false);
  });
});
