import { describe, expect, it } from 'vitest';
import type { TlsRecordEvent } from '#sidecar/events.ts';
import { heartbleed } from '#sidecar/threats/heartbleed.ts';
import { runThreat } from './threat-factories.ts';

const record = (length: number, heartbeatPayloadLength?: number, contentType = 24): TlsRecordEvent => ({
  kind: 'tls-record',
  ts: 1,
  direction: 'to-server',
  contentType,
  version: 'TLS1.1',
  length,
  ...(heartbeatPayloadLength === undefined ? {} : { heartbeatPayloadLength }),
});

describe('heartbleed', () => {
  it('flags a heartbeat declaring 16 KiB in a 3-byte record', () => {
    expect(runThreat(heartbleed, [record(3, 16_384)])[0]?.evidence).toMatch(
      /declares 16384 payload bytes in a 3-byte record/,
    );
  });

  it('ignores honest heartbeats, encrypted ones and other records', () => {
    expect(runThreat(heartbleed, [record(35, 16), record(40), record(3, 16_384, 23)])).toEqual([]);
  });
});
