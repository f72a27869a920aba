import { describe, expect, it } from 'vitest';
import { slackSignature, verifySlackSignature } from '#functions/slack/verify-signature.ts';
import { sign, signingSecret } from './slack-requests.ts';

const now = 1764158460;

describe('verifySlackSignature', () => {
  it('matches the example in Slack’s documentation', () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack (the documented example request).
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', '1531420618', body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('accepts a fresh, correctly signed request', () => {
    expect(verifySlackSignature(sign('a=b', now - 10), signingSecret, now)).toEqual({ ok: true });
  });

  it.each([
    ['a tampered body', { ...sign('a=b', now), rawBody: 'a=c' }, 'does not match'],
    ['another secret', sign('a=b', now, 'not-the-signing-secret-at-all'), 'does not match'],
    ['a stale timestamp (replay)', sign('a=b', now - 301), 'five-minute window'],
    ['a timestamp from the future', sign('a=b', now + 301), 'five-minute window'],
    ['a tampered timestamp', { ...sign('a=b', now - 400), timestamp: String(now) }, 'does not match'],
    ['no signature', { signature: undefined, timestamp: String(now), rawBody: 'a=b' }, 'missing'],
    ['a malformed timestamp', { ...sign('a=b', now), timestamp: '1e9' }, 'malformed'],
    ['a truncated signature', { ...sign('a=b', now), signature: 'v0=abc' }, 'does not match'],
  ])('rejects %s', (_name, request, reason) => {
    const result = verifySlackSignature(request, signingSecret, now);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});
