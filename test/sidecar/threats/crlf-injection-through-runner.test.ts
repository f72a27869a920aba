/**
 * crlf-injection end to end: HTTP/1.1 bytes read by the real parser and handed to the runner with every registered
 * detector and the shipped policies, as the tap does. Payloads after OWASP CRS REQUEST-921 and CWE-113.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { http } from '#sidecar/protocols/http.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { ascii, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
import { flow } from './threat-factories.ts';

const webFlow = flow({ protocol: 'http' });

const findings = (segments: readonly Segment[]) => {
  const parser = http.createParser();
  const runner = createThreatRunner();
  segments.forEach(([direction, bytes], i) => {
    for (const event of parser.parse(bytes, direction, 1_000 + i) as ProtocolEvent[])
      runner.onEvent(webFlow, event);
  });
  runner.onFlowEnd(webFlow);
  return threatsBy(runner.drain(1_000_000), 'crlf-injection').map((f) => [f.severity, f.evidence]);
};

const request = (text: string): Segment => ['to-server', ascii(text)];

describe('crlf-injection through the parser and the runner', () => {
  it('reports a split response in a redirect parameter, with the control octets escaped and the cookie masked', () => {
    const split = request(
      'GET /redirect?to=/home%0d%0aSet-Cookie:%20sid=attacker%0d%0a%0d%0a%3Chtml%3Eowned HTTP/1.1\r\nHost: a\r\n\r\n',
    );
    expect(findings([split])).toEqual([
      [
        'high',
        'HTTP response splitting (a blank line, then a second body) — query to: /home\\x0d\nSet-Cookie: ***\\x0d\n\\x0d\n<html>owned',
      ],
    ]);
  });

  it('reports a Bcc added to a contact form medium, and leaves the textarea of the same form alone', () => {
    const honest = 'name=Ana&email=ana%40a.example&msg=Hi%21%0D%0A%0D%0ASee+you+soon.%0D%0ATo:+the+team';
    const injected = 'name=Ana&email=ana%40a.example%0D%0ABcc:%20all%40list.example&msg=hi';
    const post = (body: string) =>
      request(
        `POST /contact HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
    expect(findings([post(honest)])).toEqual([]);
    expect(findings([post(honest), post(injected)])).toEqual([
      [
        'medium',
        'a line break then the mail header Bcc — form email: ana@a.example\\x0d\nBcc: all@list.example',
      ],
    ]);
  });
});
