import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureFindingSchema } from '#core/finding.ts';
import { ensureTlsMaterial, type TlsMaterial } from '#functions/local/tls-material.ts';
import { createCaptureRecorder } from '#sidecar/pcap/capture-recorder.ts';
import { createPacketRing } from '#sidecar/pcap/packet-ring.ts';
import { createCaptureUploader } from '#sidecar/pcap/upload-capture.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { type FrameSpec, ipv4Frame } from './ipv4-frame.ts';

const frame = (ts: number, spec: FrameSpec) => {
  const data = ipv4Frame(spec);
  return { ts, linkType: 1, data, originalLength: data.length };
};
const app = { src: '10.0.0.5', dst: '10.0.0.7', srcPort: 51000, dstPort: 8080 };
const other = { src: '10.0.0.5', dst: '10.0.0.9', srcPort: 52000, dstPort: 6379 };

describe('createCaptureRecorder with a real HTTPS upload target', () => {
  let tls: TlsMaterial;
  let server: Server;
  let base: string;
  let tlsDir = '';
  const uploads: { path: string; contentType: string | undefined; body: Buffer }[] = [];

  beforeAll(async () => {
    tlsDir = mkdtempSync(join(tmpdir(), 'meshward-upload-'));
    tls = await ensureTlsMaterial(tlsDir, 'meshward');
    server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        uploads.push({
          path: req.url ?? '',
          contentType: req.headers['content-type'],
          body: Buffer.concat(chunks),
        });
        res.writeHead(req.url?.startsWith('/denied') ? 403 : 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(tlsDir, { recursive: true, force: true });
  });

  it('writes packets from before the trigger and for the time after, filtered to one flow, and uploads them', async () => {
    let clock = 1_764_000_000_000;
    const ring = createPacketRing({ maxBytes: 1e6, maxSeconds: 60 });
    const recorder = createCaptureRecorder({
      ring,
      upload: createCaptureUploader({ ca: tls.caCert }),
      now: () => clock,
      // While the recorder "waits" for the after-window, traffic keeps flowing through observe().
      sleep: async (ms) => {
        recorder.observe(
          frame(clock + 100, {
            ...app,
            seq: 2000,
            payload: 'GET /?q=1%27%20OR%20%271%27=%271 HTTP/1.1\r\n\r\n',
          }),
        );
        recorder.observe(frame(clock + 200, { ...other, payload: 'PING' }));
        clock += ms;
      },
    });
    recorder.observe(frame(clock - 20_000, { ...app, payload: 'too old' }));
    recorder.observe(frame(clock - 5_000, { ...app, payload: 'GET /before HTTP/1.1\r\n\r\n' }));
    recorder.observe(frame(clock - 4_000, { ...other, payload: 'SET k v' }));
    const outcome = await recorder.record({
      commandId: 'cmd-capture-1',
      beforeSeconds: 10,
      afterSeconds: 5,
      flow: { ip: '10.0.0.7', port: 8080 },
      uploadUrl: `${base}/captures/shop/cmd-capture-1.pcap?X-Amz-Signature=secret`,
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(captureFindingSchema.parse(outcome.finding)).toEqual({
      type: 'capture',
      commandId: 'cmd-capture-1',
      location: `${base}/captures/shop/cmd-capture-1.pcap`,
      packets: 2,
      bytes: outcome.bytes.length,
      from: new Date(1_764_000_000_000 - 10_000).toISOString(),
      to: new Date(1_764_000_005_000).toISOString(),
    });
    const upload = uploads.at(-1);
    expect(upload?.path).toBe('/captures/shop/cmd-capture-1.pcap?X-Amz-Signature=secret');
    expect(upload?.contentType).toBe('application/vnd.tcpdump.pcap');
    const path = join(tempDir('meshward-capture-'), 'capture.pcap');
    writeFileSync(path, upload?.body ?? Buffer.alloc(0));
    const uris = execFileSync(
      'tshark',
      ['-r', path, '-T', 'fields', '-e', 'tcp.dstport', '-e', 'http.request.uri'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    expect(uris).toBe('8080\t/before\n8080\t/?q=1%27%20OR%20%271%27=%271\n');
    expect(recorder.stats()).toEqual({ captures: 1, recording: 0 });
  });

  it('ends a capture in its after-window when the tap stops (finish), uploading what it has', async () => {
    const recorder = createCaptureRecorder({
      ring: createPacketRing({ maxBytes: 1e6, maxSeconds: 60 }),
      upload: createCaptureUploader({ ca: tls.caCert }),
    });
    // Ten minutes after: without finish() the outcome would come then, and the tap's process would wait for it.
    const pending = recorder.record({
      commandId: 'c3',
      beforeSeconds: 0,
      afterSeconds: 600,
      uploadUrl: `${base}/c3.pcap`,
    });
    recorder.observe(frame(Date.now(), { ...app, payload: 'late' }));
    expect(recorder.stats().recording).toBe(1);
    recorder.finish();
    const outcome = await pending;
    expect(outcome).toMatchObject({ ok: true, finding: { commandId: 'c3', packets: 1 } });
    expect(recorder.stats().recording).toBe(0);
    // A capture asked for after that (the reporter's last exchange brings commands) does not wait either.
    const late = await recorder.record({
      commandId: 'c4',
      beforeSeconds: 0,
      afterSeconds: 600,
      uploadUrl: `${base}/c4.pcap`,
    });
    expect(late).toMatchObject({ ok: true, finding: { commandId: 'c4' } });
  });

  it('reports a refused upload as a failed outcome', async () => {
    const recorder = createCaptureRecorder({
      ring: createPacketRing({ maxBytes: 1e6, maxSeconds: 60 }),
      upload: createCaptureUploader({ ca: tls.caCert }),
    });
    const outcome = await recorder.record({
      commandId: 'c2',
      beforeSeconds: 1,
      afterSeconds: 0,
      uploadUrl: `${base}/denied/x.pcap`,
    });
    expect(outcome).toEqual({ ok: false, commandId: 'c2', reason: 'upload answered 403' });
  });
});
