/**
 * web-scanner on Apache Shiro key guessing (CVE-2016-4437): many different rememberMe cookies, each answered
 * `rememberMe=deleteMe`, are a tool trying public keys; a browser's stale cookie, failed logins and a remembered user
 * are not.
 */
import { describe, expect, it } from 'vitest';
import type { Header, HttpResponseEvent } from '#sidecar/events.ts';
import { requestCookie } from '#sidecar/threats/text/request-cookie.ts';
import type { ThreatHit } from '#sidecar/threats/threat.ts';
import { webScanner } from '#sidecar/threats/web-scanner.ts';
import { clearsCookie } from '#sidecar/threats/web-scanner-shiro.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

const answer = (ts: number, headers: Header[]): HttpResponseEvent => ({
  kind: 'http-response',
  ts,
  direction: 'to-client',
  version: '1.1',
  status: 200,
  headers,
  body: new Uint8Array(0),
  bodyTruncated: false,
  request: { method: 'GET', target: '/', forwarding: [] },
});
const deleteMe: Header = [
  'Set-Cookie',
  'rememberMe=deleteMe; Path=/; Max-Age=0; Expires=Sun, 27-Nov-2026 10:00:00 GMT',
];

/** `count` requests each with the cookie `cookieOf(i)` (none when undefined), each answered with `headers`. */
const session = (
  count: number,
  cookieOf: (i: number) => string | undefined,
  headers: (i: number) => Header[],
) =>
  Array.from({ length: count }, (_, i) => {
    const cookie = cookieOf(i);
    return [
      httpRequest('/', { ts: 1_000 + i * 100, headers: cookie === undefined ? [] : [['Cookie', cookie]] }),
      answer(1_000 + i * 100 + 5, headers(i)),
    ];
  }).flat();
const stories = (hits: readonly ThreatHit[]) => hits.map((h) => [h.severity, h.evidence]);
const sealed = (i: number) => `JSESSIONID=77AB; rememberMe=${Buffer.alloc(48, i).toString('base64')}`;

describe('web-scanner: Apache Shiro key guessing', () => {
  it('reports 12 different rememberMe cookies, each refused, once, high', () => {
    const hits = runThreat(
      webScanner,
      session(12, sealed, () => [deleteMe]),
    );
    expect(stories(hits)).toEqual([
      [
        'high',
        'Apache Shiro key guessing (CVE-2016-4437): 10 different rememberMe cookies within 60000 ms, 11 answered rememberMe=deleteMe (Shiro could not open them): a tool trying public keys',
      ],
    ]);
  });

  it('leaves alone a stale cookie sent again, failed logins, a remembered user and other cookies refused', () => {
    const same = () => `rememberMe=${Buffer.alloc(48, 7).toString('base64')}`;
    expect(
      runThreat(
        webScanner,
        session(30, same, () => [deleteMe]),
      ),
    ).toEqual([]);
    expect(
      runThreat(
        webScanner,
        session(
          30,
          () => undefined,
          () => [deleteMe],
        ),
      ),
    ).toEqual([]);
    expect(
      runThreat(
        webScanner,
        session(30, sealed, () => [['Set-Cookie', 'JSESSIONID=1; Path=/']]),
      ),
    ).toEqual([]);
    const other = (i: number) => `session=${i}`;
    expect(
      runThreat(
        webScanner,
        session(30, other, () => [['Set-Cookie', 'session=deleteMe']]),
      ),
    ).toEqual([]);
  });

  it('follows a renamed cookie and its threshold from the policy, and can be turned off', () => {
    const renamed = (i: number) => `auth=${'A'.repeat(40)}${i}`;
    const cleared: Header = ['set-cookie', 'auth=deleteMe; Path=/'];
    const config = { shiroCookie: 'auth', minShiroGuesses: 4 };
    expect(
      runThreat(
        webScanner,
        session(6, renamed, () => [cleared]),
        { config },
      ),
    ).toHaveLength(1);
    const off = { ...config, shiroGuessingSeverity: 'off' };
    expect(
      runThreat(
        webScanner,
        session(6, renamed, () => [cleared]),
        { config: off },
      ),
    ).toEqual([]);
    expect(() => webScanner.config.parse({ shiroCookie: 'remember me' })).toThrow(/a cookie name/);
  });

  it('reads the cookie at a boundary, not inside another name', () => {
    expect(requestCookie([['Cookie', 'a=1; rememberMe=abc; b=2']], 'rememberMe')).toBe('abc');
    expect(requestCookie([['cookie', 'rememberMe=xyz']], 'rememberMe')).toBe('xyz');
    expect(requestCookie([['Cookie', 'notrememberMe=abc']], 'rememberMe')).toBeUndefined();
    expect(requestCookie([['Cookie', 'notrememberMe=abc; rememberMe=def']], 'rememberMe')).toBe('def');
    expect(clearsCookie([['Set-Cookie', 'rememberMe=deleteMe; Path=/']], 'rememberMe')).toBe(true);
    expect(clearsCookie([['Set-Cookie', 'rememberMe=abc']], 'rememberMe')).toBe(false);
  });
});
