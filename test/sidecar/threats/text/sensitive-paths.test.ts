import { describe, expect, it } from 'vitest';
import { answerHolds, pathMatcher } from '#sidecar/threats/text/sensitive-paths.ts';

const match = pathMatcher([
  { path: '/.git/config', marker: '[core]' },
  { path: '/.env' },
  { path: 'debug/pprof/' },
]);
const bytes = (text: string) => new TextEncoder().encode(text);

describe('pathMatcher', () => {
  it('matches the end of a path, any case, trailing slash and URL encoding aside', () => {
    expect(match('/.git/config')?.path).toBe('/.git/config');
    expect(match('/app/.GIT/Config/')?.path).toBe('/.git/config');
    expect(match('/%2egit/config')?.path).toBe('/.git/config');
    expect(match('//.env')?.path).toBe('/.env');
    expect(match('/debug/pprof/')?.path).toBe('/debug/pprof');
  });

  it('leaves other paths alone', () => {
    for (const path of ['/', '/config', '/git/config', '/.envrc', '/x.env', '/api/env', '/debug/pprofile'])
      expect(match(path)).toBeUndefined();
  });
});

describe('answerHolds', () => {
  it('wants the marker when the entry has one, else an answer that is not an HTML page', () => {
    expect(answerHolds({ path: '/.git/config', marker: '[core]' }, bytes('[core]\n'), 'text/plain')).toBe(
      true,
    );
    expect(answerHolds({ path: '/.git/config', marker: '[core]' }, bytes('Not found'), 'text/plain')).toBe(
      false,
    );
    expect(answerHolds({ path: '/.env' }, bytes('KEY=1'), 'application/octet-stream')).toBe(true);
    expect(answerHolds({ path: '/.env' }, bytes('KEY=1'), 'text/html')).toBe(false);
    expect(answerHolds({ path: '/.env' }, bytes('  <!doctype html>'), '')).toBe(false);
    expect(answerHolds({ path: '/.env' }, bytes(''), 'text/plain')).toBe(false);
  });
});
