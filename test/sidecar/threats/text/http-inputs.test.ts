import { describe, expect, it } from 'vitest';
import { httpInputs } from '#sidecar/threats/text/http-inputs.ts';
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
