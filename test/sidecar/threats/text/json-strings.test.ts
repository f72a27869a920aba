import { describe, expect, it } from 'vitest';
import { jsonStrings } from '#sidecar/threats/text/json-strings.ts';

describe('jsonStrings', () => {
  it('lists string leaves with their paths, and keys that are not words', () => {
    expect(jsonStrings('{"a":{"b":"x","$ne":1},"c":["y"]}', 10)).toEqual([
      ['$.a.b', 'x'],
      ['$.a key', '$ne'],
      ['$.c[0]', 'y'],
    ]);
  });

  it('lists every key of an object under __proto__ or constructor.prototype, however nested', () => {
    expect(jsonStrings('{"u":{"__proto__":{"isAdmin":true,"n":1}}}', 10)).toEqual([
      ['$.u.__proto__ key', 'isAdmin'],
      ['$.u.__proto__ key', 'n'],
    ]);
    expect(jsonStrings('{"constructor":{"prototype":{"env":{"A":"b"}}}}', 10)).toEqual([
      ['$.constructor.prototype key', 'env'],
      ['$.constructor.prototype.env.A', 'b'],
    ]);
  });

  it('leaves the keys under a plain constructor or prototype field unlisted', () => {
    expect(jsonStrings('{"constructor":{"name":"Ada"},"prototype":{"id":1}}', 10)).toEqual([
      ['$.constructor.name', 'Ada'],
    ]);
  });

  it('is undefined for text that is not JSON', () => {
    expect(jsonStrings('{"a":', 10)).toBeUndefined();
  });
});
