/** Load: 200 simulated taps post to the local HTTPS server with duplicates and reconnects; nothing is stored twice. */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingBatch } from '#core/finding.ts';
import { captureIo, startControlPlane, type TestControlPlane } from '../../bin/control-plane-server.ts';
import { batch, flow, heartbeat, podRef } from '../platform/factories.ts';

let plane: TestControlPlane;
beforeAll(async () => {
  plane = await startControlPlane();
});
afterAll(async () => plane.close());

type Tap = { pod: ReturnType<typeof podRef>; token: string; agent: Agent; index: number };

const post = (url: string, tap: Tap, body: FindingBatch) =>
  new Promise<{ status: number; stored: boolean; text: string }>((resolve, reject) => {
    const req = request(
      `${url}/findings`,
      {
        method: 'POST',
        agent: tap.agent,
        rejectUnauthorized: false,
        headers: { authorization: `Bearer ${tap.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const stored = res.statusCode === 200 && (JSON.parse(text) as { stored?: boolean }).stored === true;
          resolve({ status: res.statusCode ?? 0, stored, text });
        });
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error('no answer in 20 s')));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });

const runTap = async (tap: Tap, until: number, url: string) => {
  let accepted = 0;
  let posts = 0;
  for (let n = 0; Date.now() < until; n++) {
    const findings = [
      heartbeat({ ips: [`10.9.${tap.index >> 8}.${tap.index & 255}`] }),
      ...Array.from({ length: 20 }, (_, i) => flow({ client: { ip: '10.9.0.1', port: n * 20 + i } })),
    ];
    const sent = batch(tap.pod, findings, randomUUID());
    const copies = n % 5 === 0 ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      if ((n + c) % 7 === 0) {
        tap.agent.destroy();
        tap.agent = new Agent({ keepAlive: true, maxSockets: 1 });
      }
      const answer = await post(url, tap, sent);
      posts += 1;
      if (answer.status !== 200) throw new Error(`tap ${tap.index}: status ${answer.status}: ${answer.text}`);
      if (answer.stored) accepted += findings.length;
    }
  }
  tap.agent.destroy();
  return { accepted, posts };
};

describe('ingest under load', () => {
  it('200 concurrent taps, duplicates and reconnects: every accepted finding stored exactly once', async () => {
    const taps: Tap[] = await Promise.all(
      Array.from({ length: Number(process.env.H6_TAPS ?? 200) }, async (_, index) => {
        const pod = podRef(`tap-${index}`, 'load', `uid-load-${index}`);
        const token = (await plane.runtime.issuer?.mintPodToken(pod)) ?? '';
        return { pod, token, agent: new Agent({ keepAlive: true, maxSockets: 1 }), index };
      }),
    );
    const started = Date.now();
    const results = await Promise.all(taps.map((tap) => runTap(tap, started + 2000, plane.url)));
    const seconds = (Date.now() - started) / 1000;
    await plane.runtime.idle();
    const accepted = results.reduce((sum, r) => sum + r.accepted, 0);
    const posts = results.reduce((sum, r) => sum + r.posts, 0);
    expect(accepted).toBeGreaterThan(0);
    expect(await plane.runtime.store.countFindings()).toBe(accepted);
    const { io, out } = captureIo();
    io.stdout(
      `load: ${posts} posts, ${accepted} findings stored in ${seconds.toFixed(1)} s = ${Math.round(accepted / seconds)} findings/s`,
    );
    console.log(out.join('\n'));
  }, 90_000);
});
