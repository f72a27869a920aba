/** Admission latency: the injector in-process and over local HTTPS (server in its own process), beside a do-nothing webhook. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { build } from 'esbuild';
import { reviewResponse, reviewResponseJson } from '#core/admission-review.ts';
import { parseConfig } from '#core/config.ts';
import { mutateReview } from '#functions/admission/mutate/run.ts';
import { parseReview } from '#functions/admission/parse-review.ts';
import { lambdaBuildOptions } from '#infra/cdk/lambda-bundle.ts';
import { type LatencySummary, summarize, timeSync } from './latency.ts';

const fixtureText = readFileSync(
  join(import.meta.dirname, '..', 'test', 'fixtures', 'mutate', 'istio-pod.json'),
  'utf8',
);

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

/** `bodies`: the review texts to send in turn (by default the one Istio pod fixture). */
export const loadTest = async (
  port: number,
  path: string,
  total: number,
  concurrency: number,
  bodies: readonly string[] = [fixtureText],
): Promise<LatencySummary> => {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, rejectUnauthorized: false });
  const samples: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const body = bodies[next % bodies.length] as string;
      next += 1;
      samples.push(await post(agent, port, path, body));
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

const root = join(import.meta.dirname, '..');

/**
 * The server child as an esbuild bundle built with the Lambda bundles' options (infra/cdk/lambda-bundle.ts), the
 * code that answers reviews on AWS. Under tsx, whose transform keeps function names, every closure created per
 * request also calls a naming helper; both webhooks run in this one server, so the comparison stays fair either way.
 */
export const buildServerChild = async (): Promise<string> => {
  const outdir = join(import.meta.dirname, 'work', 'admission-server');
  await build(
    lambdaBuildOptions({
      repositoryRoot: root,
      entry: 'bench/admission-server-child.ts',
      outdir,
      external: ['@kubernetes/client-node', '@slack/web-api'],
    }),
  );
  return join(outdir, 'index.mjs');
};

export const startServerChild = (
  bundle: string,
  nodeArgs: readonly string[] = [],
): Promise<{ child: ChildProcess; port: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, bundle], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined)
        resolve({ child, port: (JSON.parse(line) as { port: number }).port });
    });
    child.once('exit', (code) => reject(new Error(`the benchmark's webhook server exited with ${code}`)));
  });

export type MutateBenchResult = {
  /** Replicas of one workload: the patch comes from the cache. */
  inProcess: LatencySummary;
  /** A pod shape the webhook has not seen: the patch is built. */
  inProcessNewShape: LatencySummary;
  inProcessNoop: LatencySummary;
  https: LatencySummary;
  httpsNoop: LatencySummary;
  httpsThroughputRatio: number;
  /** Every review a pod shape the server has not seen (the patch built each time, the shape cache churning). */
  httpsNewShape: LatencySummary;
  httpsNewShapeRatio: number;
  /** Inject over do-nothing throughput of each pair of rounds, sorted: how much machine load moved the figure. */
  roundRatios: number[];
  /** The server process's CPU (user + system) per review over HTTPS: what the webhook costs a core. */
  serverCpuMsPerReview: { inject: number; noop: number };
  /** The load generator's CPU per review: it shares the machine's cores, and a bigger response costs it more. */
  clientCpuMsPerReview: { inject: number; noop: number };
};

/** CPU milliseconds (user + system) a process has used, from /proc (USER_HZ = 100). */
const cpuMsOf = (pid: number | undefined): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

/**
 * `serverBundle` replaces the freshly built server child, e.g. a bundle built from another commit, so two versions
 * can be compared in turns on the same machine load.
 */
export const runMutateBench = async (requests = 4000, serverBundle?: string): Promise<MutateBenchResult> => {
  const config = parseConfig({ inject: { egressPort: 8443 } });
  const inProcess = timeSync(() => {
    // What the handler does with a review: parse, check, mutate, serialize the response.
    const review = parseReview(JSON.parse(fixtureText));
    return reviewResponseJson(mutateReview(review.request, { config, namespaceOptedIn: true }));
  }, 20_000);
  // The first pod of its shape: a new exclusion annotation value each time, so the patch is never kept yet.
  let shape = 0;
  const inProcessNewShape = timeSync(() => {
    const review = parseReview(JSON.parse(fixtureText));
    const pod = review.request.object as { metadata: { annotations: Record<string, string> } };
    shape += 1;
    pod.metadata.annotations['traffic.sidecar.istio.io/excludeOutboundPorts'] = String(shape);
    return reviewResponseJson(mutateReview(review.request, { config, namespaceOptedIn: true }));
  }, 20_000);
  const inProcessNoop = timeSync(() => {
    const review = JSON.parse(fixtureText) as { request: { uid: string } };
    return JSON.stringify(reviewResponse({ uid: review.request.uid, allowed: true }));
  }, 20_000);
  // The server runs in its own process so the load generator never shares its event loop (or its TLS work).
  const { child, port } = await startServerChild(serverBundle ?? (await buildServerChild()));
  try {
    await loadTest(port, '/noop', 500, 16);
    // Alternate short rounds so both see the same machine load: the ratio is the figure.
    const noopRounds: LatencySummary[] = [];
    const injectRounds: LatencySummary[] = [];
    const newShapeRounds: LatencySummary[] = [];
    // Distinct shapes, written before the clock starts: the same text with a new exclusion annotation value each
    // (a value the patch appends to, so it is part of the shape).
    const annotation = /("traffic\.sidecar\.istio\.io\/excludeOutboundPorts":\s*")/;
    if (!annotation.test(fixtureText))
      throw new Error('istio-pod.json has no excludeOutboundPorts annotation to vary');
    const newShapes = Array.from({ length: requests }, (_, i) =>
      fixtureText.replace(annotation, `$1${10_000 + i},`),
    );
    let shapeAt = 0;
    const serverMs = { noop: 0, inject: 0 };
    const clientMs = { noop: 0, inject: 0 };
    const clientCpuMs = () => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1000;
    };
    for (let round = 0; round < 8; round += 1) {
      let before = cpuMsOf(child.pid);
      let clientBefore = clientCpuMs();
      noopRounds.push(await loadTest(port, '/noop', requests / 8, 16));
      serverMs.noop += cpuMsOf(child.pid) - before;
      clientMs.noop += clientCpuMs() - clientBefore;
      before = cpuMsOf(child.pid);
      clientBefore = clientCpuMs();
      injectRounds.push(await loadTest(port, '/admission/mutate/namespace', requests / 8, 16));
      serverMs.inject += cpuMsOf(child.pid) - before;
      clientMs.inject += clientCpuMs() - clientBefore;
      const shapes = newShapes.slice(shapeAt, shapeAt + requests / 8);
      shapeAt += requests / 8;
      newShapeRounds.push(await loadTest(port, '/admission/mutate/namespace', requests / 8, 16, shapes));
    }
    const perReview = (ms: number) => Math.round((ms / requests) * 1000) / 1000;
    const httpsNoop = combine(noopRounds);
    const https = combine(injectRounds);
    return {
      inProcess,
      inProcessNewShape,
      inProcessNoop,
      https,
      httpsNoop,
      httpsThroughputRatio: Math.round((https.perSecond / httpsNoop.perSecond) * 1000) / 1000,
      httpsNewShape: combine(newShapeRounds),
      httpsNewShapeRatio: Math.round((combine(newShapeRounds).perSecond / httpsNoop.perSecond) * 1000) / 1000,
      roundRatios: injectRounds
        .map(
          (round, index) => Math.round((round.perSecond / (noopRounds[index]?.perSecond ?? 1)) * 100) / 100,
        )
        .sort((a, b) => a - b),
      serverCpuMsPerReview: { inject: perReview(serverMs.inject), noop: perReview(serverMs.noop) },
      clientCpuMsPerReview: { inject: perReview(clientMs.inject), noop: perReview(clientMs.noop) },
    };
  } finally {
    child.stdin?.end();
    child.kill();
  }
};
