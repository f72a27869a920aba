import { describe, expect, it } from 'vitest';
import { xss } from '#sidecar/threats/xss.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

describe('xss', () => {
  it.each([
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(document.cookie)>',
    '%253Csvg%2520onload%253Dalert(1)%253E',
    '&lt;iframe src=javascript:alert(1)&gt;',
    '\\u003cscript\\u003ealert(1)\\u003c/script\\u003e',
    '" onmouseover="alert(1)',
    "';alert(String.fromCharCode(88,83,83))//",
    'javascript:alert(1)',
  ])('flags %j in a query parameter', (payload) => {
    const [hit] = runThreat(xss, [httpRequest(`/search?q=${encodeURIComponent(payload)}`)]);
    expect(hit?.threat).toBe('xss');
  });

  it.each([
    'JavaScript: Basics of JavaScript Language',
    'Can you confirm this?',
    'It is not too late, but prompt action is needed',
    'h2<h1',
    'a < b > c',
    '<b>bold</b> and <i>italic</i>',
    'Price: 5 <= 7',
  ])('does not flag %j', (value) => {
    expect(runThreat(xss, [httpRequest(`/search?q=${encodeURIComponent(value)}`)])).toEqual([]);
  });
});
