import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mqtt } from '#sidecar/protocols/mqtt.ts';
import {
  freePort,
  hasBinaries,
  type RecordingProxy,
  run,
  startDaemon,
  startRecordingProxy,
  stopDaemon,
  waitForPort,
} from '#test/fixtures/protocols/live-servers.ts';
import {
  ascii,
  concat,
  contractCheck,
  detectFlow,
  engineLabel,
  everySplitAgrees,
  feed,
  feedByteByByte,
  hex,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { samplesExcept } from '#test/fixtures/protocols/wire-samples.ts';

// Built from MQTT 3.1.1 (OASIS, §2.2 fixed header, §3.1 CONNECT, §3.3 PUBLISH, §3.8 SUBSCRIBE, §3.10 UNSUBSCRIBE)
// and MQTT 5.0 (§2.2.2 properties).
const str = (s: string): Uint8Array => concat(Uint8Array.of(s.length >> 8, s.length & 0xff), ascii(s));
const packet = (first: number, body: Uint8Array): Uint8Array => {
  const length: number[] = [];
  let n = body.length;
  do {
    length.push((n % 128) | (n >= 128 ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return concat(Uint8Array.of(first, ...length), body);
};
// CONNECT 3.1.1: "MQTT", level 4, flags 0x02 (clean session), keep alive 60, client id "sensor-1".
const connect = packet(0x10, concat(str('MQTT'), hex('04 02 003c'), str('sensor-1')));
// CONNECT 5.0: level 5, then properties (session expiry interval 0x11 = 30).
const connect5 = packet(0x10, concat(str('MQTT'), hex('05 02 003c 05 11 0000001e'), str('sensor-5')));
const connack = hex('20 02 00 00');
// SUBSCRIBE: flags 0b0010, packet id 1, filter "home/+/temp" QoS 1, filter "alerts/#" QoS 0.
const subscribe = packet(
  0x82,
  concat(hex('0001'), str('home/+/temp'), hex('01'), str('alerts/#'), hex('00')),
);
// PUBLISH QoS 1: topic, packet id 7, payload; QoS 0 without packet id.
const publish1 = packet(0x32, concat(str('home/kitchen/temp'), hex('0007'), ascii('21.5')));
const publish0 = packet(0x30, concat(str('alerts/door'), ascii('open')));
const unsubscribe = packet(0xa2, concat(hex('0002'), str('alerts/#')));
const disconnect = hex('e0 00');

describe('mqtt detect', () => {
  it('matches CONNECT for MQTT 3.1 (MQIsdp), 3.1.1 and 5.0, and a CONNACK', () => {
    expect(mqtt.detect(connect, 'to-server')).toBe('match');
    expect(mqtt.detect(connect5, 'to-server')).toBe('match');
    const mqisdp = ndpiFlows('mqtt')[0]?.segments[0]?.[1] ?? new Uint8Array(0);
    expect(mqtt.detect(mqisdp, 'to-server')).toBe('match');
    expect(mqtt.detect(connack, 'to-client')).toBe('match');
  });

  it('matches a whole PUBLISH picked up mid-stream', () => {
    expect(mqtt.detect(concat(publish1, publish0), 'to-client')).toBe('match');
    expect(mqtt.detect(publish0, 'to-server')).toBe('match');
  });

  it('needs more on a too-short prefix', () => {
    for (const n of [1, 2, 5, 9]) expect(mqtt.detect(connect.subarray(0, n), 'to-server')).toBe('need-more');
    expect(mqtt.detect(connack.subarray(0, 2), 'to-client')).toBe('need-more');
    expect(mqtt.detect(publish0.subarray(0, 6), 'to-server')).toBe('need-more');
  });

  it('rejects a wrong level, a reserved flag, and a wildcard in a PUBLISH topic', () => {
    expect(mqtt.detect(packet(0x10, concat(str('MQTT'), hex('07 02 003c'), str('x'))), 'to-server')).toBe(
      'no-match',
    );
    expect(mqtt.detect(packet(0x10, concat(str('MQTT'), hex('04 03 003c'), str('x'))), 'to-server')).toBe(
      'no-match',
    );
    expect(mqtt.detect(packet(0x30, concat(str('a/#'), ascii('x'))), 'to-server')).toBe('no-match');
  });

  it('says no-match on every other protocol sample', () => {
    for (const sample of samplesExcept('mqtt')) {
      expect([sample.protocol, mqtt.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
    }
  });
});

describe('mqtt parser', () => {
  const session: Segment[] = [
    ['to-server', connect],
    ['to-client', connack],
    ['to-server', concat(subscribe, publish1, hex('c0 00'), publish0)],
    ['to-client', publish0],
    ['to-server', concat(unsubscribe, disconnect)],
  ];
  const e = (direction: string, packet: string, topics: string[]) => ({
    kind: 'mqtt',
    direction,
    packet,
    topics,
  });
  const expected = [
    e('to-server', 'CONNECT', []),
    e('to-client', 'CONNACK', []),
    e('to-server', 'SUBSCRIBE', ['home/+/temp', 'alerts/#']),
    e('to-server', 'PUBLISH', ['home/kitchen/temp']),
    e('to-server', 'PUBLISH', ['alerts/door']),
    e('to-client', 'PUBLISH', ['alerts/door']),
    e('to-server', 'UNSUBSCRIBE', ['alerts/#']),
    e('to-server', 'DISCONNECT', []),
  ];

  it('emits connection packets and the topics of publishes and subscriptions', () => {
    expect(feed(mqtt, session)).toEqual(expected);
  });

  it('gives the same events for every split point and byte by byte', () => {
    expect(everySplitAgrees(mqtt, session).mismatch).toBeUndefined();
    expect(feedByteByByte(mqtt, session)).toEqual(expected);
  });

  it('skips MQTT 5 subscription properties', () => {
    const sub5 = packet(0x82, concat(hex('0003 02 0b 05'), str('a/b'), hex('00')));
    expect(
      feed(mqtt, [
        ['to-server', connect5],
        ['to-server', sub5],
      ]).at(-1),
    ).toEqual(e('to-server', 'SUBSCRIBE', ['a/b']));
  });

  it('stops a direction on a malformed fixed header', () => {
    expect(feed(mqtt, [['to-server', concat(hex('00 00'), connect)]])).toEqual([]);
  });

  it('passes the local contract check', () => {
    expect(contractCheck(mqtt, ['to-server', connect]).randomMatches).toBe(0);
  });
});

describe('mqtt on nDPI mqtt.pcap (real bytes)', () => {
  it('detects both flows and reads the topics', () => {
    const flows = ndpiFlows('mqtt');
    expect(flows.map((f) => detectFlow(mqtt, f.segments))).toEqual([true, true]);
    const events = feed(mqtt, flows[0]?.segments ?? []) as { packet: string; topics: string[] }[];
    expect(events.map((x) => `${x.packet} ${x.topics.join(',')}`.trim())).toEqual([
      'CONNECT',
      'SUBSCRIBE astr/s720/02D5050223D3/99',
      'CONNACK',
      'PUBLISH astr/admin/otaupd8',
      'PUBLISH astr/s720/02D5050223D3/99',
      'DISCONNECT',
    ]);
  });
});

describe('mqtt among every registered protocol (engine order, first match wins)', () => {
  it('labels every nDPI flow mqtt', () => {
    const flows = ndpiFlows('mqtt');
    expect(flows.map((f) => engineLabel(f.segments))).toEqual(flows.map(() => 'mqtt'));
  });
});

const mosquittoBinaries = hasBinaries(
  '/usr/sbin/mosquitto',
  '/usr/bin/mosquitto_pub',
  '/usr/bin/mosquitto_sub',
);

describe.skipIf(!mosquittoBinaries)(
  'mqtt against a real mosquitto broker and clients (Debian mosquitto, mosquitto-clients)',
  () => {
    let broker: ChildProcess | undefined;
    let proxy: RecordingProxy | undefined;
    let dir = '';

    beforeAll(async () => {
      const port = await freePort();
      dir = mkdtempSync(join(tmpdir(), 'meshward-mqtt-'));
      writeFileSync(join(dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\n`);
      broker = startDaemon('/usr/sbin/mosquitto', ['-c', join(dir, 'mosquitto.conf')]);
      await waitForPort(port);
      proxy = await startRecordingProxy(port);
    });

    afterAll(async () => {
      await proxy?.close();
      await stopDaemon(broker);
      rmSync(dir, { recursive: true, force: true });
    });

    it('reads subscriptions and publishes for MQTT 3.1.1 and 5.0 clients, labelled mqtt', async () => {
      const port = String(proxy?.port);
      const sub = run('/usr/bin/mosquitto_sub', [
        '-p',
        port,
        '-V',
        'mqttv5',
        '-t',
        'sensors/#',
        '-C',
        '1',
        '-W',
        '8',
      ]);
      await new Promise((r) => setTimeout(r, 500));
      await run('/usr/bin/mosquitto_pub', [
        '-p',
        port,
        '-V',
        'mqttv311',
        '-q',
        '1',
        '-t',
        'sensors/kitchen/temp',
        '-m',
        '21.5',
      ]);
      expect((await sub).stdout.trim()).toBe('21.5');
      const [subscriber = [], publisher = []] = proxy?.connections ?? [];
      const summary = (segments: Segment[]) =>
        (feed(mqtt, segments) as { direction: string; packet: string; topics: string[] }[]).map((e) =>
          `${e.direction} ${e.packet} ${e.topics.join(',')}`.trim(),
        );
      expect(summary(subscriber)).toEqual(
        expect.arrayContaining([
          'to-server CONNECT',
          'to-server SUBSCRIBE sensors/#',
          'to-client PUBLISH sensors/kitchen/temp',
        ]),
      );
      expect(summary(publisher)).toEqual(
        expect.arrayContaining([
          'to-server CONNECT',
          'to-client CONNACK',
          'to-server PUBLISH sensors/kitchen/temp',
          'to-server DISCONNECT',
        ]),
      );
      expect([engineLabel(subscriber), engineLabel(publisher)]).toEqual(['mqtt', 'mqtt']);
    });
  },
);
