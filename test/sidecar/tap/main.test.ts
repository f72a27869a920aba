import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FindingBatch, findingBatchSchema } from '#core/finding.ts';
import { ensureTlsMaterial, type TlsMaterial } from '#functions/local/tls-material.ts';
import { generateCommandKey } from '#functions/platform/keys/command-key.ts';
import { type CommandSigner, createCommandSigner } from '#functions/platform/keys/command-signer.ts';
import { readCapture } from '#sidecar/capture/read-capture.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { startTap } from '#sidecar/tap/main.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { ipv4Frame } from '../pcap/ipv4-frame.ts';

const podUid = randomUUID();
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (check: () => boolean, timeoutMs = 8_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await wait(25);
  }
};

/** An HTTP exchange on one TCP connection, as a capture tcpdump could have written (built by hand, RFC 793). */
const exchangePcap = (dir: string, t0: number) => {
  const c = { src: '10.1.0.5', dst: '10.1.0.7', srcPort: 43000, dstPort: 8080 };
  const s = { src: c.dst, dst: c.src, srcPort: c.dstPort, dstPort: c.srcPort };
  const request = 'GET /api/v1/items/42 HTTP/1.1\r\nHost: catalog\r\nUser-Agent: curl/8.5\r\n\r\n';
  const frames = [
    ipv4Frame({ ...c, seq: 100, flags: 0x02 }),
    ipv4Frame({ ...s, seq: 500, flags: 0x12 }),
    ipv4Frame({ ...c, seq: 101, flags: 0x10 }),
    ipv4Frame({ ...c, seq: 101, payload: request }),
    ipv4Frame({ ...s, seq: 501, payload: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' }),
    ipv4Frame({ ...c, seq: 101 + request.length, flags: 0x11 }),
    ipv4Frame({ ...s, seq: 540, flags: 0x11 }),
  ];
  const path = join(dir, 'live.pcap');
  writeFileSync(
    path,
    writePcap(frames.map((data, n) => ({ ts: t0 + n, linkType: 1, data, originalLength: data.length })))
      .bytes,
  );
  return path;
};

describe('startTap (capture replaced by a recorded stream; real HTTPS control plane)', () => {
  let tls: TlsMaterial;
  let server: Server;
  let signer: CommandSigner;
  let url: string;
  let tlsDir = '';
  const batches: FindingBatch[] = [];
  const tokens: string[] = [];
  const uploads: Buffer[] = [];
  let pendingCommands: string[] = [];

  beforeAll(async () => {
    tlsDir = mkdtempSync(join(tmpdir(), 'meshward-tapmain-'));
    tls = await ensureTlsMaterial(tlsDir, 'meshward');
    signer = await createCommandSigner(await generateCommandKey('EdDSA'));
    server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method === 'PUT') {
          uploads.push(Buffer.concat(chunks));
          res.writeHead(200).end();
          return;
        }
        batches.push(findingBatchSchema.parse(JSON.parse(Buffer.concat(chunks).toString())));
        tokens.push(req.headers.authorization ?? '');
        const commands = pendingCommands;
        pendingCommands = [];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ commands }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(tlsDir, { recursive: true, force: true });
  });

  it('reports heartbeat and flows with the pod identity, runs a signed capture command, rejects a forged one', async () => {
    const dir = tempDir('meshward-tapmain-');
    const podinfo = join(dir, 'podinfo');
    mkdirSync(podinfo);
    writeFileSync(join(podinfo, 'labels'), 'app="catalog"\npod-template-hash="5d8f7b9c4"');
    writeFileSync(join(podinfo, 'annotations'), '');
    writeFileSync(join(dir, 'token'), 'token-1');
    const pcapPath = exchangePcap(dir, Date.now());
    const tap = await startTap({
      env: {
        MESHWARD_POD_NAME: 'catalog-5d8f7b9c4-q7xkz',
        MESHWARD_POD_NAMESPACE: 'shop',
        MESHWARD_POD_UID: podUid,
        MESHWARD_POD_IP: '10.1.0.7',
        MESHWARD_SERVICE_ACCOUNT: 'catalog',
        MESHWARD_PODINFO_DIR: podinfo,
        MESHWARD_CONTROL_PLANE_URL: url,
        MESHWARD_TOKEN_PATH: join(dir, 'token'),
        MESHWARD_CA_FILE: join(tls.dir, 'ca.crt'),
        MESHWARD_COMMAND_JWKS: JSON.stringify(signer.jwks),
        MESHWARD_METRICS_PORT: '0',
        MESHWARD_ENFORCE: 'false',
        MESHWARD_BATCH_MAX_DELAY_MS: '50',
        MESHWARD_HEARTBEAT_SECONDS: '1',
        MESHWARD_STATE_PATH: join(dir, 'state.json'),
      },
      log: () => {},
      spawnCapture: () =>
        spawn(
          'sh',
          ['-c', `echo 'listening on eth0, link-type EN10MB' >&2; cat ${pcapPath}; exec sleep 60`],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        ),
    });
    try {
      await until(() => batches.length > 0);
      expect(batches[0]?.pod).toEqual({ namespace: 'shop', name: 'catalog-5d8f7b9c4-q7xkz', uid: podUid });
      expect(batches[0]?.findings[0]).toMatchObject({
        type: 'heartbeat',
        ips: ['10.1.0.7'],
        serviceAccount: 'catalog',
        owner: { kind: 'ReplicaSet', name: 'catalog-5d8f7b9c4' },
        labels: { app: 'catalog', 'pod-template-hash': '5d8f7b9c4' },
        mode: 'discover',
      });
      const now = Math.floor(Date.now() / 1000);
      const base = { podUid, issuedAt: now, expiresAt: now + 60 };
      const forger = await createCommandSigner(await generateCommandKey('EdDSA'));
      pendingCommands = [
        await signer.sign({
          ...base,
          kind: 'capture',
          id: randomUUID(),
          beforeSeconds: 30,
          afterSeconds: 0,
          uploadUrl: `${url}/captures/c1.pcap?sig=x`,
        }),
        await forger.sign({ ...base, kind: 'quarantine', id: randomUUID(), reason: 'forged' }),
        await signer.sign({ ...base, kind: 'set-mode', id: randomUUID(), mode: 'monitor' }),
      ];
      writeFileSync(join(dir, 'token'), 'token-2');
      await until(() =>
        batches.some((batch) => batch.findings.some((finding) => finding.type === 'capture')),
      );
      expect(tap.metrics.get('meshward_tap_commands_accepted_total')).toBe(2);
      expect(tap.metrics.get('meshward_tap_commands_rejected_total')).toBe(1);
      const capture = readCapture(uploads[0] ?? Buffer.alloc(0));
      expect(capture.problems).toEqual([]);
      expect(capture.records).toHaveLength(7);
      expect(tokens.at(-1)).toBe('Bearer token-2');
      const health = await fetch(`http://127.0.0.1:${tap.metricsPort}/metrics`);
      expect(await health.text()).toMatch(/meshward_tap_packets_total 7\n/);
      expect((await fetch(`http://127.0.0.1:${tap.metricsPort}/readyz`)).status).toBe(200);
      expect(await (await fetch(`http://127.0.0.1:${tap.metricsPort}/metrics`)).text()).toContain(
        'meshward_tap_capture_up 1\n',
      );
    } finally {
      await tap.stop();
    }
    const findings = batches.flatMap((batch) => batch.findings);
    const [flow] = splitFindings(findings).flows;
    expect(flow).toMatchObject({
      client: { ip: '10.1.0.5', port: 43000 },
      server: { ip: '10.1.0.7', port: 8080 },
      protocol: 'http',
    });
    expect(findings.filter((finding) => finding.type === 'heartbeat').at(-1)).toMatchObject({
      mode: 'monitor',
    });
    expect(new Set(batches.map((batch) => batch.batchId)).size).toBe(batches.length);
  });

  it('takes commands from the pod annotation when the kubelet updates it (the fallback channel)', async () => {
    const dir = tempDir('meshward-tapmain-');
    const podinfo = join(dir, 'podinfo');
    mkdirSync(podinfo);
    writeFileSync(join(podinfo, 'labels'), 'app="catalog"');
    writeFileSync(join(podinfo, 'annotations'), '');
    writeFileSync(join(dir, 'token'), 'token-a');
    const uid = randomUUID();
    const tap = await startTap({
      env: {
        MESHWARD_POD_NAME: 'catalog-0',
        MESHWARD_POD_NAMESPACE: 'shop',
        MESHWARD_POD_UID: uid,
        MESHWARD_PODINFO_DIR: podinfo,
        MESHWARD_CONTROL_PLANE_URL: url,
        MESHWARD_TOKEN_PATH: join(dir, 'token'),
        MESHWARD_CA_FILE: join(tls.dir, 'ca.crt'),
        MESHWARD_COMMAND_JWKS: JSON.stringify(signer.jwks),
        MESHWARD_METRICS_PORT: '0',
        MESHWARD_ENFORCE: 'false',
        MESHWARD_BATCH_MAX_DELAY_MS: '50',
        MESHWARD_HEARTBEAT_SECONDS: '1',
      },
      log: () => {},
      spawnCapture: () => spawn('sleep', ['60'], { stdio: ['ignore', 'pipe', 'pipe'] }),
    });
    try {
      const now = Math.floor(Date.now() / 1000);
      const token = await signer.sign({
        kind: 'set-mode',
        id: randomUUID(),
        podUid: uid,
        issuedAt: now,
        expiresAt: now + 60,
        mode: 'protect',
      });
      // The kubelet rewrites the file; the Go-quoted JSON array is what `kubectl annotate` of a list looks like.
      writeFileSync(
        join(podinfo, 'annotations'),
        `meshward.io/commands=${JSON.stringify(JSON.stringify([token]))}\n`,
      );
      await until(() =>
        batches.some(
          (batch) =>
            batch.pod.uid === uid &&
            batch.findings.some((f) => f.type === 'heartbeat' && f.mode === 'protect'),
        ),
      );
      expect(tap.metrics.get('meshward_tap_commands_accepted_total')).toBe(1);
    } finally {
      await tap.stop();
    }
  });
});
