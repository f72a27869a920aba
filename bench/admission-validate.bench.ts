/** Validating-webhook latency in-process: a real Deployment (Online Boutique's frontend) against the whole default set. */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { parseAllDocuments } from 'yaml';
import { admissionReviewSchema, reviewResponse } from '#core/admission-review.ts';
import { parseConfig } from '#core/config.ts';
import { admissionFunction } from '#functions/admission/function.ts';
import { defaultPolicyDirectory } from '#functions/admission/policy/default-policy-paths.ts';
import { loadPolicySetOrThrow } from '#functions/admission/policy/load-policy-set.ts';
import { validateReview } from '#functions/admission/validate/run.ts';
import { createLocalServer } from '#functions/local/server.ts';
import { silentLogger } from '#functions/platform/logger.ts';
import { type LatencySummary, summarize, timeSync } from './latency.ts';

const manifests = join(
  import.meta.dirname,
  '..',
  'test',
  'fixtures',
  'admission',
  'real',
  'online-boutique.yaml',
);

/** The AdmissionReview body the API server would send for `kubectl apply` of the frontend Deployment. */
const reviewBody = (): string => {
  const frontend = parseAllDocuments(readFileSync(manifests, 'utf8'))
    .map((document) => document.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .find((object) => object?.kind === 'Deployment' && object.metadata?.name === 'frontend');
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '7f0b2ac1-bench',
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      namespace: 'shop',
      operation: 'CREATE',
      userInfo: { username: 'bench' },
      object: frontend,
    },
  });
};

export type ValidateBenchResult = {
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
  policies: number;
  /** p99 of CPU time per review: what the work costs when other processes preempt the wall-clock samples. */
  cpuP99Ms: number;
};

/** Percentile of the process CPU time (user + system) each call takes, immune to time slices given to others. */
const cpuP99 = (fn: () => unknown, iterations: number): number => {
  const samples: number[] = new Array(iterations);
  for (let i = 0; i < iterations; i += 1) {
    const before = process.cpuUsage();
    fn();
    const used = process.cpuUsage(before);
    samples[i] = (used.user + used.system) / 1000;
  }
  samples.sort((a, b) => a - b);
  return Math.round((samples[Math.floor(0.99 * iterations)] ?? 0) * 1000) / 1000;
};

/** Parses the body, evaluates every default policy and serialises the response, as the handler does. */
export const runValidateBench = async (iterations = 5000): Promise<ValidateBenchResult> => {
  const policies = loadPolicySetOrThrow([defaultPolicyDirectory]);
  const config = parseConfig({});
  const body = reviewBody();
  const once = () => {
    const review = admissionReviewSchema.parse(JSON.parse(body));
    const { response } = validateReview(review, { policies, now: new Date(), config });
    return JSON.stringify(reviewResponse(response));
  };
  const summary = timeSync(once, iterations);
  return {
    p50Ms: summary.p50Ms,
    p99Ms: summary.p99Ms,
    perSecond: summary.perSecond,
    policies: policies.policies.length,
    cpuP99Ms: cpuP99(once, iterations),
  };
};

const post = (agent: Agent, port: number, body: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/admission/validate',
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

/** The same review over local HTTPS through the real handler and local host, `concurrency` requests in flight. */
export const runValidateHttpsBench = async (requests = 2000, concurrency = 16): Promise<LatencySummary> => {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec' });
  const server = createLocalServer({
    functions: [admissionFunction],
    tls: { key: pems.private, cert: pems.cert },
    logger: silentLogger,
  });
  const port = await server.listen(0, '127.0.0.1');
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, rejectUnauthorized: false });
  const body = reviewBody();
  try {
    const samples: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests) {
        next += 1;
        samples.push(await post(agent, port, body));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker)); // warm-up round
    samples.length = 0;
    next = 0;
    const start = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return summarize(samples, performance.now() - start);
  } finally {
    agent.destroy();
    await server.close();
  }
};
