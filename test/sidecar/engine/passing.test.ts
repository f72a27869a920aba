/**
 * What a download costs once answers are read to the end of the connection (ADR 58): its head and the first 8 KiB of
 * its body reach the HTTP reader, the rest is reassembled and handed to nobody, and the answers after it are read;
 * octets lost among those let pass are no loss to the reader.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import type { Direction } from '#sidecar/events.ts';
import { http } from '#sidecar/protocols/http.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { ascii, concat } from '#test/fixtures/protocols/protocol-harness.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Endpoints, type Message, segments, tcpConversation } from './conversation.ts';

/** The registered HTTP protocol, counting the octets its parsers are handed per direction. */
const counting = (handed: Record<Direction, number>): Protocol => ({
  ...http,
  createParser(context) {
    const parser = http.createParser(context);
    return {
      parse(chunk, direction, ts) {
        handed[direction] += chunk.length;
        return parser.parse(chunk, direction, ts);
      },
      gap: (direction, lost) => parser.gap(direction, lost),
      pass: (direction) => parser.pass?.(direction) ?? 0,
    };
  },
});

const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };
const download = new Uint8Array(4 * 1024 * 1024).fill(0x7a);

/** A 4 MiB download, then 25 logins refused, on one connection; `drop` removes those packets of the capture. */
const inspect = (drop: (index: number) => boolean = () => false) => {
  const messages: Message[] = [
    { from: 'client', data: 'GET /image.tar HTTP/1.1\r\nHost: files.test\r\n\r\n' },
    ...segments(
      'server',
      concat(ascii(`HTTP/1.1 200 OK\r\nContent-Length: ${download.length}\r\n\r\n`), download),
    ),
  ];
  for (let i = 0; i < 25; i++)
    messages.push(
      {
        from: 'client',
        data: `POST /login HTTP/1.1\r\nContent-Length: 6\r\n\r\npass${String(i).padStart(2, '0')}`,
      },
      { from: 'server', data: 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n' },
    );
  const handed: Record<Direction, number> = { 'to-server': 0, 'to-client': 0 };
  const engine = createEngine({
    protocols: [counting(handed)],
    observers: [createThreatRunner({ policyDir: false })],
  });
  tcpConversation(web, messages).forEach((record, index) => {
    if (!drop(index)) engine.push(record);
  });
  const { threats, flows } = splitFindings(engine.flush());
  return { handed, threats: threats.map((t) => [t.threat, t.evidence]), flows };
};

describe('octets let pass', () => {
  it('hands the reader a 4 MiB download’s head and first segments only, and the refusals after it', () => {
    const { handed, threats } = inspect();
    // The head and the segments up to the 8 KiB kept (1,448 octets each), then 25 refusals of 45 octets.
    expect(handed['to-client']).toBeLessThan(12 * 1024);
    expect(handed['to-client']).toBeGreaterThan(8 * 1024 + 25 * 45);
    expect(threats).toEqual([['http-auth-brute-force', '20 refused requests within 60000 ms (401 ×20)']]);
  }, 30_000);

  it('stays in frame when segments among those let pass are lost', () => {
    // Packets 3 and 4 are the request and the head's segment; 100 to 102 lie in the middle of the download.
    const { handed, threats, flows } = inspect((index) => index >= 100 && index <= 102);
    expect(handed['to-client']).toBeLessThan(12 * 1024);
    expect(threats).toEqual([['http-auth-brute-force', '20 refused requests within 60000 ms (401 ×20)']]);
    expect(flows).toHaveLength(1);
  }, 30_000);
});
