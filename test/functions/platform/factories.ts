/** Factories for the control plane's tests: flow findings, heartbeats, batches, rules. */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { FindingBatch, FlowFinding, HeartbeatFinding } from '#core/finding.ts';
import type { Rule } from '#core/rule.ts';
import type { PodRef } from '#core/workload.ts';

export const at = (second: number): string => new Date(Date.UTC(2026, 10, 26, 12, 0, second)).toISOString();

export const podRef = (name: string, namespace = 'shop', uid = `uid-${namespace}-${name}`): PodRef => ({
  namespace,
  name,
  uid,
});

export const flow = (overrides: Partial<FlowFinding> = {}): FlowFinding => ({
  type: 'flow',
  transport: 'tcp',
  client: { ip: '10.0.0.1', port: 40000 },
  server: { ip: '10.0.0.2', port: 8080 },
  protocol: 'http',
  confidence: 'dpi',
  encrypted: false,
  bytes: { toServer: 100, toClient: 200 },
  packets: { toServer: 3, toClient: 3 },
  firstSeen: at(0),
  lastSeen: at(1),
  ...overrides,
});

export const heartbeat = (overrides: Partial<HeartbeatFinding> = {}): HeartbeatFinding => ({
  type: 'heartbeat',
  ips: ['10.0.0.1'],
  owner: { kind: 'ReplicaSet', name: 'frontend-7d9c5b6f4d' },
  labels: { app: 'frontend', 'pod-template-hash': '7d9c5b6f4d' },
  at: at(0),
  ...overrides,
});

export const batch = (
  pod: PodRef,
  findings: FindingBatch['findings'],
  batchId = randomUUID(),
): FindingBatch => ({
  version: 1,
  batchId,
  pod,
  sentAt: at(2),
  dropped: 0,
  findings,
});

export const rule = (overrides: Partial<Rule> = {}): Rule => ({
  id: 'r-1',
  from: { type: 'group', namespace: 'shop', name: 'frontend' },
  to: { type: 'group', namespace: 'shop', name: 'cart' },
  transport: 'tcp',
  port: 7070,
  protocol: 'grpc',
  source: 'learned',
  hits: 1,
  firstSeen: at(0),
  lastSeen: at(1),
  ...overrides,
});

/** An API Gateway v2 event, as the local host or a Function URL would build it. */
export const httpEvent = (
  method: string,
  path: string,
  options: {
    body?: unknown;
    headers?: Record<string, string>;
    query?: Record<string, string>;
    pathParameters?: Record<string, string>;
  } = {},
): APIGatewayProxyEventV2 => {
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
  if (options.body !== undefined) {
    event.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  if (options.query !== undefined) event.queryStringParameters = options.query;
  if (options.pathParameters !== undefined) event.pathParameters = options.pathParameters;
  return event;
};

/** The cart workload of the alert tests: its pod's heartbeat, and a gRPC flow to it. */
export const cartHeartbeat = heartbeat({
  ips: ['10.0.0.2'],
  owner: { kind: 'ReplicaSet', name: 'cart-5c6d7f8b9c' },
  labels: { app: 'cart' },
});
export const toCart = flow({ server: { ip: '10.0.0.2', port: 7070 }, protocol: 'grpc' });
