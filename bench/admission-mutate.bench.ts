/** Admission latency: the injector in-process and over local HTTPS, beside a do-nothing webhook. */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { admissionReviewSchema, reviewResponse } from '#core/admission-review.ts';
import { parseConfig } from '#core/config.ts';
import { handler as admissionHandler } from '#functions/admission/handler.ts';
import { mutateReview } from '#functions/admission/mutate/run.ts';
import type { CloudFunction } from '#functions/cloud-function.ts';
import { createLocalServer } from '#functions/local/server.ts';
import { json, jsonBody } from '#functions/platform/http.ts';
import { silentLogger } from '#functions/platform/logger.ts';
import { type LatencySummary, summarize, timeSync } from './latency.ts';

const fixtureText = readFileSync(
  join(import.meta.dirname, '..', 'test', 'fixtures', 'mutate', 'istio-pod.json'),
  'utf8',
);

/** The baseline: parses the body and echoes an allowed response, nothing else. */
const noopFunction: CloudFunction = {
  id: 'noop',
  routes: ['POST /noop'],
  handler: async (event) => {
    const body = jsonBody(event) as { request: { uid: string } };
    return json(200, reviewResponse({ uid: body.request.uid, allowed: true }));
  },
};

const post = (agent: Agent, port: number, path: string, body: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - t0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const loadTest = async (
  port: number,
  path: string,
  total: number,
  concurrency: number,
): Promise<LatencySummary> => {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, rejectUnauthorized: false });
  const samples: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next += 1;
      samples.push(await post(agent, port, path, fixtureText));
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = performance.now() - start;
  agent.destroy();
  return summarize(samples, wall);
};

/** Merges rounds: throughput from total requests over total time, latencies as the median round. */
const combine = (rounds: LatencySummary[]): LatencySummary => {
  const count = rounds.reduce((sum, r) => sum + r.count, 0);
  const seconds = rounds.reduce((sum, r) => sum + r.count / Math.max(1, r.perSecond), 0);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    count,
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    meanMs: median(rounds.map((r) => r.meanMs)),
    perSecond: Math.round(count / seconds),
  };
};

export type MutateBenchResult = {
  inProcess: LatencySummary;
  inProcessNoop: LatencySummary;
  https: LatencySummary;
  httpsNoop: LatencySummary;
  httpsThroughputRatio: number;
};

export const runMutateBench = async (requests = 4000): Promise<MutateBenchResult> => {
  const config = parseConfig({ inject: { egressPort: 8443 } });
  const inProcess = timeSync(() => {
    const review = admissionReviewSchema.parse(JSON.parse(fixtureText));
    return JSON.stringify(reviewResponse(mutateReview(review.request, { config, namespaceOptedIn: true })));
  }, 20_000);
  const inProcessNoop = timeSync(() => {
    const review = JSON.parse(fixtureText) as { request: { uid: string } };
    return JSON.stringify(reviewResponse({ uid: review.request.uid, allowed: true }));
  }, 20_000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec' });
  const admission: CloudFunction = {
    id: 'admission',
    routes: ['POST /admission/mutate/namespace'],
    handler: admissionHandler,
  };
  const server = createLocalServer({
    functions: [admission, noopFunction],
    tls: { key: pems.private, cert: pems.cert },
    logger: silentLogger,
  });
  const port = await server.listen(0, '127.0.0.1');
  try {
    await loadTest(port, '/noop', 500, 16);
    // Alternate short rounds so both see the same machine load: the ratio is the figure.
    const noopRounds: LatencySummary[] = [];
    const injectRounds: LatencySummary[] = [];
    for (let round = 0; round < 8; round += 1) {
      noopRounds.push(await loadTest(port, '/noop', requests / 8, 16));
      injectRounds.push(await loadTest(port, '/admission/mutate/namespace', requests / 8, 16));
    }
    const httpsNoop = combine(noopRounds);
    const https = combine(injectRounds);
    return {
      inProcess,
      inProcessNoop,
      https,
      httpsNoop,
      httpsThroughputRatio: Math.round((https.perSecond / httpsNoop.perSecond) * 1000) / 1000,
    };
  } finally {
    await server.close();
  }
};
