/**
 * prototype-pollution end to end: HTTP/1.1 bytes read by the real parser (a JSON body sent gzip-compressed too, as a
 * client may) and handed to the runner with every registered detector and the shipped policies, as the tap does.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { http } from '#sidecar/protocols/http.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { ascii, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
import { flow } from './threat-factories.ts';

const webFlow = flow({ protocol: 'http' });

/** The prototype-pollution findings of a flow's segments, parsed as HTTP and run through every registered detector. */
const findings = (segments: readonly Segment[]) => {
  const parser = http.createParser();
  const runner = createThreatRunner();
  segments.forEach(([direction, bytes], i) => {
    for (const event of parser.parse(bytes, direction, 1_000 + i) as ProtocolEvent[])
      runner.onEvent(webFlow, event);
  });
  runner.onFlowEnd(webFlow);
  return threatsBy(runner.drain(1_000_000), 'prototype-pollution').map((f) => [f.severity, f.evidence]);
};

const post = (path: string, head: string, body: Uint8Array): Segment => [
  'to-server',
  Uint8Array.from([
    ...ascii(`POST ${path} HTTP/1.1\r\nHost: shop.example\r\n${head}Content-Length: ${body.length}\r\n\r\n`),
    ...body,
  ]),
];

describe('prototype-pollution through the parser and the runner', () => {
  it('reports a qs name writing a privilege gadget, critical', () => {
    const get: Segment = [
      'to-server',
      ascii('GET /profile?__proto__%5BisAdmin%5D=true HTTP/1.1\r\nHost: a\r\n\r\n'),
    ];
    expect(findings([get])).toEqual([
      [
        'critical',
        'a parameter name writing Object.prototype.isAdmin through __proto__ (a known privilege gadget) — query __proto__[isAdmin]: true',
      ],
    ]);
  });

  it('reports a gzip-compressed JSON merge through constructor.prototype, after an honest request left alone', () => {
    const honest = post(
      '/api/cars',
      'Content-Type: application/json\r\n',
      ascii('{"constructor":{"name":"Ford"},"model":"T"}'),
    );
    const body = gzipSync(Buffer.from('{"settings":{"constructor":{"prototype":{"polluted":"yes"}}}}'));
    const attack = post(
      '/api/settings',
      'Content-Type: application/json\r\nContent-Encoding: gzip\r\n',
      new Uint8Array(body),
    );
    expect(findings([honest])).toEqual([]);
    expect(findings([honest, attack])).toEqual([
      [
        'high',
        'a JSON key writing Object.prototype.polluted through constructor.prototype — json $.settings.constructor.prototype key: polluted',
      ],
    ]);
  });
});
