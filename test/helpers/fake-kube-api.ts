/** A fake Kubernetes API server on loopback (HTTPS, bearer token) for pods, network policies and events, recording calls. */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { ensureTlsMaterial } from '#functions/local/tls-material.ts';

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

export type RecordedCall = {
  method: string;
  path: string;
  contentType?: string;
  status: number;
  body?: unknown;
};
/** Runs before a request is served; a returned promise holds the request until it settles (a slow API server). */
type Hook = (fake: FakeKubeApi) => void | Promise<void>;

const patchTypes = [
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/json-patch+json',
] as const;

const routes = [
  { resource: 'pods', kind: 'Pod', apiVersion: 'v1', prefix: '/api/v1' },
  { resource: 'events', kind: 'Event', apiVersion: 'v1', prefix: '/api/v1' },
  { resource: 'services', kind: 'Service', apiVersion: 'v1', prefix: '/api/v1' },
  {
    resource: 'networkpolicies',
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    prefix: '/apis/networking.k8s.io/v1',
  },
] as const;
type Route = (typeof routes)[number];

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7386 JSON Merge Patch; strategic merge is the same for the maps we patch (labels, annotations). */
export const mergePatch = (target: unknown, patch: unknown): unknown => {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
};

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: code < 400 ? 'Success' : 'Failure',
  message,
  reason,
  code,
});

const matchesSelector = (labels: Record<string, string>, selector: string): boolean =>
  selector
    .split(',')
    .filter((term) => term !== '')
    .every((term) => {
      if (term.startsWith('!')) return labels[term.slice(1)] === undefined;
      const [key = '', value] = term.split(/!?=/);
      if (value === undefined) return labels[key] !== undefined;
      return term.includes('!=') ? labels[key] !== value : labels[key] === value;
    });

/** Field selectors the API server accepts per resource (others are a 400, as on a real server). */
const selectableFields: Record<string, readonly string[]> = {
  pods: ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase', 'status.podIP'],
  services: ['metadata.name', 'metadata.namespace', 'spec.clusterIP', 'spec.type'],
};

const fieldValue = (object: KubeObject, path: string): string => {
  let value: unknown = object;
  for (const key of path.split('.')) value = isPlainObject(value) ? value[key] : undefined;
  return value === undefined || value === null ? '' : String(value);
};

type FieldTerm = { field: string; equal: boolean; value: string };

/** `a=b,c!=d` (`==` too); a field the resource does not support is an error message, as on a real server. */
const parseFieldSelector = (selector: string, allowed: readonly string[]): FieldTerm[] | string => {
  const terms: FieldTerm[] = [];
  for (const term of selector.split(',').filter((t) => t !== '')) {
    const match = /^([^!=]+)(!=|==|=)(.*)$/.exec(term);
    if (match === null) return `invalid field selector: ${term}`;
    const [, field = '', op, value = ''] = match;
    if (!allowed.includes(field)) return `field label not supported: ${field}`;
    terms.push({ field, equal: op !== '!=', value });
  }
  return terms;
};

const matchesFields = (object: KubeObject, terms: readonly FieldTerm[]): boolean =>
  terms.every((term) => (fieldValue(object, term.field) === term.value) === term.equal);

export class FakeKubeApi {
  /** Older API servers (before 1.31) do not select Services by `spec.clusterIP`; set false to be one. */
  serviceClusterIpSelector = true;
  readonly calls: RecordedCall[] = [];
  readonly token = 'fake-kube-token';
  private readonly objects = new Map<string, KubeObject>();
  private readonly hooks: { method: string; path: string; hook: Hook }[] = [];
  private version = 100;
  private uidCounter = 0;
  private server: Server | undefined;
  private dir = '';
  private caCert = '';
  url = '';

  async start(): Promise<this> {
    this.dir = await mkdtemp(join(tmpdir(), 'meshward-fake-kube-'));
    const tls = await ensureTlsMaterial(this.dir, 'meshward');
    this.caCert = tls.caCert;
    this.server = createServer({ key: tls.key, cert: tls.cert }, (request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.send(response, request, 500, status(500, 'InternalError', String(error)));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
    await rm(this.dir, { recursive: true, force: true });
  }

  /** A kubeconfig for this server, the way `kubectl config view --raw` would write it. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, caData: Buffer.from(this.caCert).toString('base64') }],
      users: [{ name: 'meshward', token: this.token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'meshward' }],
      currentContext: 'fake',
    });
    return kc;
  }

  /** That kubeconfig as a file (for MESHWARD_KUBECONFIG), in this server's directory: `stop()` removes it. */
  kubeConfigFile(): string {
    const path = join(this.dir, 'kubeconfig.json');
    writeFileSync(path, this.kubeConfig().exportConfig());
    return path;
  }

  /** Seeds an object as if created by someone else; returns the stored copy. */
  put(resource: Route['resource'], object: KubeObject): KubeObject {
    const route = routes.find((candidate) => candidate.resource === resource) as Route;
    const stored = structuredClone(object);
    stored.apiVersion = route.apiVersion;
    stored.kind = route.kind;
    stored.metadata.uid ??= `uid-${++this.uidCounter}`;
    stored.metadata.resourceVersion = String(++this.version);
    stored.metadata.creationTimestamp ??= '2026-11-26T12:00:00Z';
    this.objects.set(`${resource}/${object.metadata.namespace}/${object.metadata.name}`, stored);
    return structuredClone(stored);
  }

  get(resource: Route['resource'], namespace: string, name: string): KubeObject | undefined {
    const object = this.objects.get(`${resource}/${namespace}/${name}`);
    return object === undefined ? undefined : structuredClone(object);
  }

  list(resource: Route['resource'], namespace?: string): KubeObject[] {
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(`${resource}/${namespace ?? ''}`))
      .map(([, object]) => structuredClone(object));
  }

  /** Runs `hook` once, just before the next matching request is served (e.g. a concurrent writer, or a hold). */
  before(method: string, path: string, hook: Hook): void {
    this.hooks.push({ method, path, hook });
  }

  /** Changes an object the way another client would: the resourceVersion moves on. */
  touch(resource: Route['resource'], namespace: string, name: string, change: (object: KubeObject) => void) {
    const object = this.get(resource, namespace, name);
    if (object === undefined) throw new Error(`no ${resource} ${namespace}/${name}`);
    change(object);
    this.put(resource, object);
  }

  callsTo(method: string, fragment = ''): RecordedCall[] {
    return this.calls.filter((call) => call.method === method && call.path.includes(fragment));
  }

  private send(response: ServerResponse, request: IncomingMessage, code: number, body: unknown): void {
    const url = new URL(request.url ?? '/', 'https://fake');
    const contentType = request.headers['content-type'];
    this.calls.push({
      method: request.method ?? '',
      path: url.pathname + url.search,
      ...(contentType === undefined ? {} : { contentType }),
      status: code,
      body: (request as IncomingMessage & { parsedBody?: unknown }).parsedBody,
    });
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    (request as IncomingMessage & { parsedBody?: unknown }).parsedBody = parsed;
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'https://fake');
    const hookIndex = this.hooks.findIndex((h) => h.method === method && url.pathname.endsWith(h.path));
    if (hookIndex >= 0) await this.hooks.splice(hookIndex, 1)[0]?.hook(this);
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return this.send(response, request, 401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    const [code, body] = this.route(method, url, request.headers['content-type'], parsed);
    this.send(response, request, code, body);
  }

  private route(method: string, url: URL, contentType: string | undefined, body: unknown): [number, unknown] {
    const everywhere = /^\/api\/v1\/(pods|services)$/.exec(url.pathname);
    const all = routes.find((candidate) => candidate.resource === everywhere?.[1]);
    if (all !== undefined && method === 'GET') return this.serveList(all, undefined, url);
    for (const route of routes) {
      const pattern = new RegExp(`^${route.prefix}/namespaces/([^/]+)/${route.resource}(?:/([^/]+))?$`);
      const match = pattern.exec(url.pathname);
      if (match === null) continue;
      const namespace = match[1] ?? '';
      const name = match[2];
      return this.serve(route, method, namespace, name, { url, contentType, body });
    }
    return [404, status(404, 'NotFound', `the server could not find the requested resource`)];
  }

  private serve(
    route: Route,
    method: string,
    namespace: string,
    name: string | undefined,
    request: { url: URL; contentType: string | undefined; body: unknown },
  ): [number, unknown] {
    if (name === undefined && method === 'GET') return this.serveList(route, namespace, request.url);
    if (name === undefined && method === 'POST') return this.create(route, namespace, request.body);
    if (name === undefined) return [405, status(405, 'MethodNotAllowed', `${method} not allowed`)];
    const key = `${route.resource}/${namespace}/${name}`;
    const existing = this.objects.get(key);
    if (existing === undefined) {
      return [404, status(404, 'NotFound', `${route.resource} "${name}" not found`)];
    }
    if (method === 'GET') return [200, structuredClone(existing)];
    if (method === 'DELETE') {
      this.objects.delete(key);
      return [200, { ...status(200, '', ''), details: { name, kind: route.resource } }];
    }
    if (method === 'PATCH') return this.patch(route, existing, request.contentType, request.body);
    return [405, status(405, 'MethodNotAllowed', `${method} not allowed`)];
  }

  private serveList(route: Route, namespace: string | undefined, url: URL): [number, unknown] {
    const selector = url.searchParams.get('labelSelector') ?? '';
    const fields = url.searchParams.get('fieldSelector') ?? '';
    const allowed = (selectableFields[route.resource] ?? ['metadata.name', 'metadata.namespace']).filter(
      (field) => field !== 'spec.clusterIP' || this.serviceClusterIpSelector,
    );
    const terms = parseFieldSelector(fields, allowed);
    if (typeof terms === 'string') return [400, status(400, 'BadRequest', terms)];
    const items = this.list(route.resource, namespace === undefined ? '' : `${namespace}/`).filter(
      (object) => matchesFields(object, terms) && matchesSelector(object.metadata.labels ?? {}, selector),
    );
    return [
      200,
      {
        apiVersion: route.apiVersion,
        kind: `${route.kind}List`,
        metadata: { resourceVersion: String(this.version) },
        items,
      },
    ];
  }

  private create(route: Route, namespace: string, body: unknown): [number, unknown] {
    if (!isPlainObject(body) || !isPlainObject(body.metadata)) {
      return [400, status(400, 'BadRequest', 'object has no metadata')];
    }
    const object = body as KubeObject;
    if (object.metadata.namespace !== undefined && object.metadata.namespace !== namespace) {
      return [400, status(400, 'BadRequest', 'the namespace of the object does not match the request')];
    }
    const key = `${route.resource}/${namespace}/${object.metadata.name}`;
    if (this.objects.has(key)) {
      return [
        409,
        status(409, 'AlreadyExists', `${route.resource} "${object.metadata.name}" already exists`),
      ];
    }
    return [201, this.put(route.resource, { ...object, metadata: { ...object.metadata, namespace } })];
  }

  private patch(route: Route, existing: KubeObject, contentType: string | undefined, body: unknown) {
    const type = patchTypes.find((candidate) => contentType?.split(';')[0]?.trim() === candidate);
    if (type === undefined) {
      return [
        415,
        status(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format: ${contentType}`,
        ),
      ] as [number, unknown];
    }
    const patched = this.applyPatch(type, existing, body);
    if (typeof patched === 'string') return [422, status(422, 'Invalid', patched)] as [number, unknown];
    const wanted = patched.metadata.resourceVersion;
    if (wanted !== existing.metadata.resourceVersion) {
      const message = `Operation cannot be fulfilled on ${route.resource} "${existing.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`;
      return [409, status(409, 'Conflict', message)] as [number, unknown];
    }
    if (patched.metadata.name !== existing.metadata.name || patched.metadata.uid !== existing.metadata.uid) {
      return [422, status(422, 'Invalid', 'metadata.name and metadata.uid are immutable')] as [
        number,
        unknown,
      ];
    }
    return [200, this.put(route.resource, patched)] as [number, unknown];
  }

  private applyPatch(type: (typeof patchTypes)[number], existing: KubeObject, body: unknown) {
    if (type !== 'application/json-patch+json') {
      if (!isPlainObject(body)) return 'a merge patch must be a JSON object';
      return mergePatch(existing, body) as KubeObject;
    }
    if (!Array.isArray(body)) return 'a JSON patch must be an array of operations';
    try {
      return fastJsonPatch.applyPatch(structuredClone(existing), body as Operation[], true, false)
        .newDocument as KubeObject;
    } catch (error) {
      return `the JSON patch could not be applied: ${(error as Error).message}`;
    }
  }
}

/** Starts a fake API server; call `stop()` when done. */
export const startFakeKubeApi = (): Promise<FakeKubeApi> => new FakeKubeApi().start();
