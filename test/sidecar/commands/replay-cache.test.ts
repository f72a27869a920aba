import { describe, expect, it } from 'vitest';
import { createReplayCache } from '#sidecar/commands/replay-cache.ts';

describe('createReplayCache', () => {
  it('refuses a known id until it expires, then forgets it', () => {
    const cache = createReplayCache();
    expect(cache.remember('id-1', 100, 50)).toBe(true);
    expect(cache.remember('id-1', 100, 99)).toBe(false);
    expect(cache.remember('id-1', 100, 100)).toBe(false);
    expect(cache.remember('id-1', 200, 101)).toBe(true);
  });

  it('stays bounded: prunes expired ids, and refuses new ids rather than forgetting live ones', () => {
    const cache = createReplayCache(3);
    for (const id of ['a', 'b', 'c']) expect(cache.remember(id, 10, 0)).toBe(true);
    expect(cache.remember('d', 10, 5)).toBe(false);
    expect(cache.size()).toBe(3);
    expect(cache.remember('d', 30, 11)).toBe(true);
    expect(cache.size()).toBe(1);
  });
});
