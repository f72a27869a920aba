import { describe, expect, it } from 'vitest';
import { lenientUrlDecode } from '#sidecar/threats/text/lenient-url-decode.ts';
import { normalizePayload } from '#sidecar/threats/text/normalize-payload.ts';

describe('normalizePayload', () => {
  it.each([
    ['%3Cscript%3E', '<script>'],
    ['%253Cscript%253E', '<script>'],
    ['%25253Cb%25253E', '<b>'],
    ['&lt;img src=x&gt;', '<img src=x>'],
    ['&#x3c;&#60;&#0000060', '<<<'],
    ['\\u003cb\\u003e', '<b>'],
    ['\\x3cb\\x3e', '<b>'],
    ['%u2215etc%u2215passwd', '∕etc∕passwd'],
    ['%c0%ae%c0%ae%c0%af', '../'],
    ['%e0%80%ae', '.'],
    ["%00' or 1=1", "' or 1=1"],
    ['100%', '100%'],
    ['%zz%4', '%zz%4'],
  ])('decodes %j', (input, expected) => {
    expect(normalizePayload(input)).toBe(expected);
  });

  it('keeps undecodable bytes as U+FFFD instead of throwing', () => {
    expect(lenientUrlDecode('%ff%fe')).toBe('\ufffd\ufffd');
    expect(lenientUrlDecode('a+b', true)).toBe('a b');
  });
});
