import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Finding, type FindingBatch, findingBatchSchema } from '#core/finding.ts';
import { ensureTlsMaterial } from '#functions/local/tls-material.ts';
import { createFindingQueue } from '#sidecar/report/finding-queue.ts';
import { createHttpsSender } from '#sidecar/report/https-sender.ts';
import { createReporter } from '#sidecar/report/reporter.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const pod = { namespace: 'shop', name: 'cart-7d9f8c6b5-x2k9p', uid: 'uid-cart-1' };
const finding = (n: number): Finding => ({
  type: 'heartbeat',
  ips: [`10.0.${n >> 8}.${n & 255}`],
  at: new Date(n * 1000).toISOString(),
});
const idOf = (f: Finding) => (f.type === 'heartbeat' ? f.ips[0] : '');

/** A real HTTPS control plane that can be down (port closed), failing (503) or up (records parsed batches). */
const controlPlane = async () => {
  const tls = await ensureTlsMaterial(tempDir('meshward-cp-'), 'meshward');
  const received: FindingBatch[] = [];
  const attempts: string[] = [];
  let failWith503 = 0;
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      const created = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        req.on('end', () => {
          const batch = findingBatchSchema.parse(JSON.parse(body));
          attempts.push(batch.batchId);
          if (failWith503 > 0) {
            failWith503 -= 1;
            res.writeHead(503).end('overloaded');
            return;
          }
          received.push(batch);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"commands":[]}');
        });
      });
      server = created;
      created.listen(port, '127.0.0.1', () => resolve((created.address() as AddressInfo).port));
    });
  const stop = () =>
    new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  const port = await listen(0);
  await stop();
  return {
    tls,
    url: `https://localhost:${port}`,
    received,
    attempts,
    up: async (fail503 = 0) => {
      failWith503 = fail503;
      await listen(port);
    },
    stop,
  };
};

describe('createReporter with the control plane down, then failing, then up', () => {
  let cp: Awaited<ReturnType<typeof controlPlane>> | undefined;
  afterEach(async () => cp?.stop());

  it('keeps a bounded queue, loses nothing within the bound, counts drops and reports them, backs off with jitter', async () => {
    cp = await controlPlane();
    const tokenPath = join(tempDir('meshward-token-'), 'token');
    writeFileSync(tokenPath, 'pod-token');
    const queue = createFindingQueue(20);
    const delays: number[] = [];
    const controller = new AbortController();
    const plane = cp;
    let next = 0;
    let failures = 0;
    const reporter = createReporter({
      queue,
      send: createHttpsSender({ url: cp.url, tokenPath, ca: cp.tls.caCert }),
      pod: () => pod,
      maxBatch: 5,
      maxDelayMs: 1_000,
      backoff: { baseMs: 100, maxMs: 1_000 },
      random: () => 0.5,
      onResult: (result) => {
        if (!result.ok) failures += 1;
      },
      // No real waiting: each "sleep" records its delay and lets the world move on.
      sleep: async (ms) => {
        delays.push(ms);
        if (failures <= 6) reporter.add([finding(next++), finding(next++), finding(next++), finding(next++)]);
        if (failures === 6 && delays.length === 6) await plane.up(2);
        if (failures > 6 && queue.size() === 0) controller.abort();
      },
    });
    reporter.add(Array.from({ length: 25 }, () => finding(next++)));
    await reporter.run(controller.signal);

    // Six refused connections, then two 503s: 100·2ⁿ capped at 1000, jitter 0.5 → 3/4 of the ceiling.
    expect(delays.slice(0, 8)).toEqual([75, 150, 300, 600, 750, 750, 750, 750]);
    // The first batch was retried under one id: two 503s, then accepted.
    expect(cp.attempts.slice(0, 3)).toEqual([
      cp.received[0]?.batchId,
      cp.received[0]?.batchId,
      cp.received[0]?.batchId,
    ]);
    const ids = cp.received.map((batch) => batch.batchId);
    expect(new Set(ids).size).toBe(ids.length);
    const delivered = cp.received.flatMap((batch) => batch.findings.map(idOf));
    const dropped = cp.received.reduce((sum, batch) => sum + batch.dropped, 0);
    // Nothing lost within the bound: the first 20 arrive, in order; everything else is accounted for as dropped.
    expect(delivered.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, n) => idOf(finding(n))));
    expect(delivered.length + dropped).toBe(next);
    expect(dropped).toBeGreaterThan(0);
    // The drops of the outage are reported in the first batch that got through.
    expect(cp.received[0]?.dropped).toBeGreaterThanOrEqual(5);
    expect(reporter.stats()).toMatchObject({
      batchesSent: cp.received.length,
      findingsSent: delivered.length,
    });
    for (const batch of cp.received) expect(batch.pod).toEqual(pod);
  });

  it('turns a refused batch into counted drops reported in the next batch', async () => {
    const queue = createFindingQueue(100);
    const sent: FindingBatch[] = [];
    let refuse = true;
    const reporter = createReporter({
      queue,
      pod: () => pod,
      maxBatch: 3,
      send: async (batch) => {
        sent.push(batch);
        if (refuse) {
          refuse = false;
          return { ok: false, retry: false, status: 400, reason: 'bad batch' };
        }
        return { ok: true, status: 200, commands: ['x.y.z'] };
      },
    });
    const commands: string[][] = [];
    const withCommands = createReporter({
      queue,
      pod: () => pod,
      maxBatch: 3,
      send: async () => ({ ok: true, status: 200, commands: ['x.y.z'] }),
      onCommands: (c) => commands.push(c),
    });
    reporter.add([finding(1), finding(2), finding(3), finding(4)]);
    expect(await reporter.sendOnce()).toBe('failed');
    expect(await reporter.sendOnce()).toBe('sent');
    expect(sent[1]).toMatchObject({ dropped: 3, findings: [finding(4)] });
    expect(await reporter.sendOnce()).toBe('empty');
    expect(reporter.stats()).toMatchObject({ refused: 1, batchesSent: 1 });
    withCommands.add([finding(5)]);
    expect(await withCommands.sendOnce()).toBe('sent');
    expect(commands).toEqual([['x.y.z']]);
  });

  it('sends a partial batch when its oldest finding has waited maxDelayMs', async () => {
    let clock = 10_000;
    const queue = createFindingQueue(100, () => clock);
    const waits: number[] = [];
    const sent: FindingBatch[] = [];
    const controller = new AbortController();
    const reporter = createReporter({
      queue,
      pod: () => pod,
      maxBatch: 50,
      maxDelayMs: 2_000,
      now: () => clock,
      send: async (batch) => {
        sent.push(batch);
        return { ok: true, status: 200, commands: [] };
      },
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
        if (sent.length > 0) controller.abort();
      },
    });
    clock = 10_500;
    reporter.add([finding(1)]);
    clock = 11_000;
    await reporter.run(controller.signal);
    expect(waits[0]).toBe(1_500);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.sentAt).toBe(new Date(12_500).toISOString());
  });
});
