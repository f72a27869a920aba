/** forwardedText: the clients a trusted proxy named for a flow (ADR 31), worded as the proxies' word. */
import { describe, expect, it } from 'vitest';
import { forwardedText } from '../../dashboard/src/forwarded-text.ts';

const client = (ip: string) => ({ ip, by: 'x-forwarded-for' });

describe('forwarded clients on the dashboard', () => {
  it('lists the clients in order, as "forwarded for"', () => {
    expect(forwardedText({ clients: [client('203.0.113.7'), { ip: '2001:db8::2', by: 'forwarded' }] })).toBe(
      'forwarded for 203.0.113.7, 2001:db8::2',
    );
  });

  it('counts the requests past the list as requests, not clients', () => {
    expect(forwardedText({ clients: [client('203.0.113.7')], otherRequests: 3 })).toBe(
      'forwarded for 203.0.113.7 (+3 requests for other clients)',
    );
    expect(forwardedText({ clients: [client('203.0.113.7')], otherRequests: 1 })).toBe(
      'forwarded for 203.0.113.7 (+1 request for another client)',
    );
    // An address too long for the finding (an IPv6 zone id) is counted, not listed.
    expect(forwardedText({ clients: [], otherRequests: 2 })).toBe(
      'forwarded for clients not listed (2 requests)',
    );
  });

  it('keeps a hostile address as the text it is, and skips what it cannot read', () => {
    expect(forwardedText({ clients: [client('<script>alert(1)</script>')] })).toBe(
      'forwarded for <script>alert(1)</script>',
    );
    expect(
      forwardedText({ clients: [{ ip: 7 }, 'x', null, client('203.0.113.7')], otherRequests: 'many' }),
    ).toBe('forwarded for 203.0.113.7');
    for (const none of [undefined, null, 'x', {}, { clients: [] }, { clients: 'x', otherRequests: 0 }])
      expect(forwardedText(none)).toBeUndefined();
  });
});
