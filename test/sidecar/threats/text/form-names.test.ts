import { describe, expect, it } from 'vitest';
import { formNames, formTexts } from '#sidecar/threats/text/form-names.ts';
import { httpRequest } from '../threat-factories.ts';

describe('formNames', () => {
  it('decodes the names that pass the test as sent, with their values, and keeps the whole name', () => {
    const long = `a${'[b]'.repeat(30)}[__proto__][x]`;
    const text = `q=1&%5F%5Fproto%5F%5F%5Bx%5D=a+b&${encodeURIComponent(long)}=2`;
    expect(formNames(text, 'query', (raw) => /proto/i.test(raw))).toEqual([
      { name: '__proto__[x]', value: 'a b', where: 'query __proto__[x]' },
      { name: long, value: '2', where: `query ${long.slice(0, 64)}` },
    ]);
  });
});

describe('formTexts', () => {
  it('gives the query and an urlencoded body that passes the octet test, and no other body', () => {
    const form: [string, string][] = [['Content-Type', 'application/x-www-form-urlencoded']];
    const request = httpRequest('/a?x=1', { body: 'y=2', headers: form });
    expect(formTexts(request, () => true)).toEqual([
      ['x=1', 'query'],
      ['y=2', 'form'],
    ]);
    expect(formTexts(request, () => false)).toEqual([['x=1', 'query']]);
    const json = httpRequest('/a', { body: 'y=2', headers: [['Content-Type', 'application/json']] });
    expect(formTexts(json, () => true)).toEqual([]);
  });
});
