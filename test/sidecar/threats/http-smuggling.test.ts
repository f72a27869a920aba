import { describe, expect, it } from 'vitest';
import type { Header } from '#sidecar/events.ts';
import { httpSmuggling } from '#sidecar/threats/http-smuggling.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

const post = (headers: Header[], version = '1.1') =>
  httpRequest('/upload', { method: 'POST', headers, body: '0\r\n\r\n', version });

describe('http-smuggling', () => {
  it.each<[string, Header[], RegExp]>([
    [
      'CL.TE',
      [
        ['Content-Length', '6'],
        ['Transfer-Encoding', 'chunked'],
      ],
      /both Content-Length and Transfer-Encoding/,
    ],
    [
      'duplicate lengths',
      [
        ['Content-Length', '6'],
        ['Content-Length', '7'],
      ],
      /conflicting Content-Length/,
    ],
    ['negative length', [['Content-Length', '-1']], /malformed Content-Length/],
    ['obfuscated TE', [['Transfer-Encoding', 'xchunked']], /obfuscated Transfer-Encoding/],
    ['TE with a trailing tab', [['Transfer-Encoding', 'chunked\t']], /obfuscated Transfer-Encoding/],
    [
      'TE.TE',
      [
        ['Transfer-Encoding', 'chunked'],
        ['transfer-encoding', 'identity'],
      ],
      /2 Transfer-Encoding headers/,
    ],
    ['space before the colon', [['Transfer-Encoding ', 'chunked']], /whitespace/],
  ])('flags %s', (_name, headers, evidence) => {
    expect(runThreat(httpSmuggling, [post(headers)])[0]?.evidence).toMatch(evidence);
  });

  it('flags Transfer-Encoding in an HTTP/2 request', () => {
    expect(runThreat(httpSmuggling, [post([['transfer-encoding', 'chunked']], '2')])).toHaveLength(1);
  });

  it.each<[string, Header[]]>([
    ['a plain length', [['Content-Length', '5']]],
    ['chunked', [['Transfer-Encoding', 'chunked']]],
    ['gzip then chunked', [['Transfer-Encoding', 'gzip, chunked']]],
    ['repeated equal lengths', [['Content-Length', '5, 5']]],
  ])('does not flag %s', (_name, headers) => {
    expect(runThreat(httpSmuggling, [post(headers)])).toEqual([]);
  });
});
