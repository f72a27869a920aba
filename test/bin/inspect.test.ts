import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '#bin/main.ts';
import { findingSchema } from '#core/finding.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { buildPcap } from '#test/sidecar/capture/build-capture.ts';
import { sllFrame, tcp4Frame } from '#test/sidecar/decode/build-frame.ts';

const fixtures = 'test/fixtures/pcap';

const run = async (...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['inspect', ...args], {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
  });
  return { code, out, err };
};

/** An ingress pod (10.42.0.7) connecting to the app (10.1.0.2:8080): the handshake, then `payload` in one segment. */
const writeIngressPcap = (file: string, payload: string): void => {
  const from = { src: '10.42.0.7', dst: '10.1.0.2', srcPort: 41000, dstPort: 8080 };
  const frames = [
    tcp4Frame({ ...from, seq: 1, flags: 2 }),
    tcp4Frame({
      src: '10.1.0.2',
      dst: '10.42.0.7',
      srcPort: 8080,
      dstPort: 41000,
      seq: 100,
      ack: 2,
      flags: 0x12,
    }),
    tcp4Frame({ ...from, seq: 2, ack: 101, flags: 0x18, payload: Buffer.from(payload, 'latin1') }),
  ];
  writeFileSync(file, buildPcap({ packets: frames.map((data, i) => ({ ts: 1_000 + i, data })) }));
};

describe('meshward inspect', () => {
  it('prints an aligned table with one row per flow, client → server first', async () => {
    const { code, out, err } = await run(`${fixtures}/three-flows.pcap`);
    expect([code, err]).toEqual([0, []]);
    expect(out[0]).toMatch(
      /^CLIENT → SERVER\s+TRANSPORT\s+PROTOCOL\s+CONFIDENCE\s+ENCRYPTED\s+BYTES →\/←\s+L7$/,
    );
    const rows = out.slice(1);
    expect(rows).toHaveLength(3);
    expect(rows.map((row) => row.split(/\s+/).slice(0, 4))).toEqual([
      ['10.1.0.5:43512', '→', '10.1.0.9:8080', 'tcp'],
      ['10.1.0.5:43600', '→', '10.1.0.7:9999', 'tcp'],
      ['10.1.0.5:53000', '→', '10.1.0.53:5353', 'udp'],
    ]);
    const transportColumn = (out[0] ?? '').indexOf('TRANSPORT');
    for (const row of rows) expect(row.slice(transportColumn, transportColumn + 3)).toMatch(/tcp|udp/);
    expect(rows[1]).toMatch(/\bunknown\s+unknown\s+no\s+8\/4\b/);
  });

  it('prints one core finding per line with --json, the same from pcap and pcapng', async () => {
    const pcap = await run(`${fixtures}/three-flows.pcap`, '--json');
    const pcapng = await run('--json', `${fixtures}/three-flows.pcapng`);
    expect(pcap.code).toBe(0);
    const findings = pcap.out.map((line) => findingSchema.parse(JSON.parse(line)));
    expect(
      findings.map(
        (f) => f.type === 'flow' && [f.transport, f.server.port, f.bytes.toServer, f.bytes.toClient],
      ),
    ).toEqual([
      ['tcp', 8080, 75, 40],
      ['tcp', 9999, 8, 4],
      ['udp', 5353, 5, 6],
    ]);
    expect(findings[1]).toMatchObject({
      protocol: 'unknown',
      evidence: { toServer: 'deadbeef00010203', toClient: 'cafebabe' },
    });
    expect(pcapng.out).toEqual(pcap.out);
  });

  it('names the byte offset of a corrupt record, still prints the flows it read, and exits 1', async () => {
    const offset = readFileSync(`${fixtures}/corrupt-record.offset`, 'utf8').trim();
    const { code, out, err } = await run(`${fixtures}/corrupt-record.pcap`);
    expect(code).toBe(1);
    expect(err).toEqual([
      expect.stringContaining(`corrupt-record.pcap: byte offset ${offset}: corrupt pcap record header`),
    ]);
    expect(out.length).toBe(4);
  });

  it('reports a missing file and a file that is not a capture, exit 1, and goes on with the others', async () => {
    const { code, out, err } = await run(
      '/nonexistent/x.pcap',
      'package.json',
      `${fixtures}/three-flows.pcap`,
    );
    expect(code).toBe(1);
    expect(err[0]).toContain('cannot read /nonexistent/x.pcap');
    expect(err[1]).toMatch(/package\.json: byte offset 0: not a pcap or pcapng file/);
    expect(out.filter((line) => line.startsWith('10.1.0.5'))).toHaveLength(3);
  });

  it('asks for a file and prints its usage with --help', async () => {
    expect((await run()).code).toBe(2);
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toContain('Usage: meshward inspect FILE...');
  });

  it('drops packets received from the pod’s own address with --pod-ip (a cooked capture says which way)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshward-inspect-'));
    const file = join(dir, 'pod.pcap');
    const syn = (src: string, srcPort: number) =>
      sllFrame(tcp4Frame({ src, dst: '10.1.0.2', srcPort, dstPort: 8080, seq: 1, flags: 2 }), 0);
    // A SYN from a client, and one forged from the pod's own address, both received by the pod.
    const packets = [syn('10.1.0.9', 41000), syn('10.1.0.2', 41001)].map((data, i) => ({
      ts: 1_000 + i,
      data,
    }));
    writeFileSync(file, buildPcap({ linkType: 113, packets }));
    const flowsOf = (out: string[]) => out.map((line) => JSON.parse(line)).filter((f) => f.type === 'flow');
    expect(flowsOf((await run(file, '--json', '--flows-only')).out)).toHaveLength(2);
    const dropped = await run(file, '--json', '--flows-only', '--pod-ip', '10.1.0.2');
    expect(flowsOf(dropped.out).map((f) => f.client.ip)).toEqual(['10.1.0.9']);
    const wrong = await run(file, '--pod-ip', 'pod-a');
    expect(wrong.code).toBe(2);
    expect(wrong.err.join('\n')).toContain('--pod-ip pod-a: not an IPv4 address');
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the client behind trusted proxies with --trusted-proxy, and refuses a wrong one by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshward-inspect-'));
    const file = join(dir, 'ingress.pcap');
    const request =
      "GET /q?id=1'%20OR%20'1'='1 HTTP/1.1\r\nHost: shop\r\nX-Forwarded-For: 203.0.113.9, 10.42.0.5\r\n\r\n";
    writeIngressPcap(file, request);
    const originOf = (out: string[]) =>
      out.map((line) => JSON.parse(line)).find((f) => f.type === 'threat' && f.threat === 'sql-injection')
        ?.origin?.ip;
    expect(originOf((await run(file, '--json')).out)).toBe('10.42.0.5');
    expect(originOf((await run(file, '--json', '--trusted-proxy', '10.42.0.0/16')).out)).toBe('203.0.113.9');
    const wrong = await run(file, '--trusted-proxy', 'ingress');
    expect(wrong.code).toBe(2);
    expect(wrong.err.join('\n')).toContain(
      '--trusted-proxy: "ingress" is not an IPv4 or IPv6 address or CIDR',
    );
    // Told the proxies write only X-Real-IP, this request's X-Forwarded-For is the client's and names nobody.
    const realIp = await run(
      file,
      '--json',
      '--trusted-proxy',
      '10.42.0.0/16',
      '--forwarded-header',
      'x-real-ip',
    );
    expect(originOf(realIp.out)).toBeUndefined();
    const header = await run(file, '--forwarded-header', 'x-client-ip');
    expect(header.code).toBe(2);
    expect(header.err.join('\n')).toContain(
      '--forwarded-header x-client-ip: not one of x-forwarded-for, forwarded, x-real-ip',
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the clients a trusted proxy named on its flow: table, --json, --flows-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshward-inspect-'));
    const file = join(dir, 'pooled.pcap');
    const requests = ['203.0.113.9', '198.51.100.7', '2001:db8::7', '203.0.113.9']
      .map((ip) => `GET / HTTP/1.1\r\nHost: shop\r\nX-Forwarded-For: ${ip}, 10.42.0.5\r\n\r\n`)
      .join('');
    writeIngressPcap(file, requests);
    const trusted = ['--trusted-proxy', '10.42.0.0/16'];
    const table = await run(file, ...trusted);
    expect(table.out[1]).toMatch(
      /^203\.0\.113\.9,198\.51\.100\.7,\+1 via 10\.42\.0\.7:41000 → 10\.1\.0\.2:8080 /,
    );
    const forwardedOf = (out: string[]) =>
      splitFindings(out.map((line) => findingSchema.parse(JSON.parse(line)))).flows[0]?.l7?.forwarded;
    const listed = {
      clients: [
        { ip: '203.0.113.9', by: 'x-forwarded-for' },
        { ip: '198.51.100.7', by: 'x-forwarded-for' },
        { ip: '2001:db8::7', by: 'x-forwarded-for' },
      ],
    };
    expect(forwardedOf((await run(file, '--json', ...trusted)).out)).toEqual(listed);
    const flowsOnly = await run(file, '--json', '--flows-only', ...trusted);
    expect(flowsOnly.out).toHaveLength(1);
    expect(forwardedOf(flowsOnly.out)).toEqual(listed);
    expect(forwardedOf((await run(file, '--json')).out)).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a gzip-compressed capture as the same capture', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshward-inspect-'));
    const file = join(dir, 'three-flows.pcap.gz');
    writeFileSync(file, gzipSync(readFileSync(`${fixtures}/three-flows.pcap`)));
    const plain = await run(`${fixtures}/three-flows.pcap`, '--json');
    const gzip = await run(file, '--json');
    expect([gzip.code, gzip.err]).toEqual([0, []]);
    expect(gzip.out).toHaveLength(3);
    expect(gzip.out).toEqual(plain.out);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the flows before a truncated gzip capture ends, names the decompressed offset, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshward-inspect-'));
    const file = join(dir, 'cut.pcap.gz');
    // 400 one-packet flows with incompressible payloads, so half the gzip bytes hold about half the flows.
    let seed = 7;
    const noise = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    };
    const packets = Array.from({ length: 400 }, (_, i) => ({
      ts: 1_000 + i,
      data: tcp4Frame({
        src: '10.1.0.5',
        dst: '10.1.0.9',
        srcPort: 20_000 + i,
        dstPort: 7000,
        seq: 1,
        flags: 24,
        payload: Uint8Array.from({ length: 600 }, noise),
      }),
    }));
    const whole = gzipSync(buildPcap({ packets }));
    writeFileSync(file, whole.subarray(0, whole.length >> 1));
    const { code, out, err } = await run(file, '--json', '--flows-only');
    expect(code).toBe(1);
    expect(out.length).toBeGreaterThan(100);
    expect(out.length).toBeLessThan(300);
    expect(err.at(-1)).toMatch(
      /cut\.pcap\.gz \(decompressed\): byte offset \d+: the gzip data is corrupt or truncated \(unexpected end of file\)/,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('says a directory is not a capture file, exits 1, and goes on with the others', async () => {
    const { code, out, err } = await run(tmpdir(), `${fixtures}/three-flows.pcap`);
    expect(code).toBe(1);
    expect(err).toEqual([`meshward inspect: ${tmpdir()} is a directory, not a capture file`]);
    expect(out.filter((line) => line.startsWith('10.1.0.5'))).toHaveLength(3);
  });
});
