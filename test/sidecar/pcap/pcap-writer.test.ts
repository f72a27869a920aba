import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '#sidecar/capture/read-capture.ts';
import { type StoredPacket, writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { ipv4Frame } from './ipv4-frame.ts';

const packets: StoredPacket[] = [
  {
    ts: 1_764_000_000_123.456,
    linkType: 1,
    data: ipv4Frame({
      src: '10.0.0.1',
      dst: '10.0.0.2',
      srcPort: 40000,
      dstPort: 80,
      payload: 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n',
    }),
    originalLength: 0,
  },
  {
    ts: 1_764_000_000_500,
    linkType: 1,
    data: ipv4Frame({
      src: '10.0.0.3',
      dst: '10.0.0.4',
      srcPort: 5353,
      dstPort: 53,
      transport: 'udp',
      payload: 'dns?',
    }),
    originalLength: 0,
  },
  { ts: 1_764_000_001_000, linkType: 113, data: new Uint8Array(20), originalLength: 20 },
].map((packet) => ({ ...packet, originalLength: packet.originalLength || packet.data.length }));

const tshark = (path: string, fields: string[]) =>
  execFileSync('tshark', ['-r', path, '-T', 'fields', ...fields.flatMap((field) => ['-e', field])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .replace(/\n$/, '')
    .split('\n');

describe('writePcap', () => {
  it('writes a file that tshark opens, with the right times, addresses and payload', () => {
    const pcap = writePcap(packets);
    expect(pcap).toMatchObject({ packets: 2, skipped: 1 });
    const path = join(tempDir('meshward-pcap-'), 'out.pcap');
    writeFileSync(path, pcap.bytes);
    expect(
      tshark(path, [
        'frame.time_epoch',
        'ip.src',
        'ip.dst',
        'tcp.dstport',
        'udp.dstport',
        'http.request.uri',
      ]),
    ).toEqual([
      '1764000000.123456000\t10.0.0.1\t10.0.0.2\t80\t\t/a',
      '1764000000.500000000\t10.0.0.3\t10.0.0.4\t\t53\t',
    ]);
  });

  it('round-trips through our own capture reader', () => {
    const { records, problems } = readCapture(writePcap(packets).bytes);
    expect(problems).toEqual([]);
    expect(
      records.map((record) => [
        record.ts,
        record.linkType,
        Buffer.from(record.data).toString('hex'),
        record.originalLength,
      ]),
    ).toEqual(
      packets
        .slice(0, 2)
        .map((packet) => [packet.ts, 1, Buffer.from(packet.data).toString('hex'), packet.originalLength]),
    );
  });

  it('keeps the wire length of a frame cut by the snap length', () => {
    const cut = {
      ...(packets[0] as StoredPacket),
      data: (packets[0] as StoredPacket).data.subarray(0, 40),
      originalLength: 200,
    };
    const { records } = readCapture(writePcap([cut]).bytes);
    expect(records[0]).toMatchObject({ originalLength: 200 });
    expect(records[0]?.data.length).toBe(40);
  });

  it('writes a valid empty capture', () => {
    const path = join(tempDir('meshward-pcap-'), 'empty.pcap');
    writeFileSync(path, writePcap([]).bytes);
    expect(
      execFileSync('tshark', ['-r', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    ).toBe('');
  });
});
