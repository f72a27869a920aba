/**
 * A faithful local fake of the Docker Engine API (no Docker engine runs here), enforcing what its reference documents
 * and dockerd does: API versions (a path's `/v1.NN/` above the maximum is 400 "client version ... is too new"),
 * JSON bodies (`Content-Type: application/json` required on create: 400), images known or 404 "No such image",
 * container names unique (409 Conflict), containers found or 404 "No such container", start of a running container
 * 304, exec only in a running container (409), errors as `{"message": ...}` with `application/json`, and `/_ping`'s
 * `Api-Version` header. Containers are records only: nothing runs.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const maxApiVersion = '1.41';
const images = new Set(['alpine:3.19', 'alpine:latest', 'busybox:latest']);

type Container = {
  id: string;
  name: string;
  image: string;
  running: boolean;
  hostConfig: unknown;
  cmd: unknown;
};
type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

const failure = (status: number, message: string): Reply => ({ status, body: { message } });

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const parseJson = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const withTag = (image: string): string => (image.includes(':') ? image : `${image}:latest`);

export const fakeDockerEngine = () => {
  const containers = new Map<string, Container>();
  const execs = new Map<string, string>();
  const find = (ref: string): Container | undefined =>
    containers.get(ref) ?? [...containers.values()].find((c) => c.id.startsWith(ref) || c.name === `/${ref}`);

  const create = (req: IncomingMessage, body: string, query: URLSearchParams): Reply => {
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('application/json'))
      return failure(400, `Content-Type specified (${type}) must be 'application/json'`);
    const spec = parseJson(body);
    if (spec === undefined) return failure(400, 'invalid JSON body');
    if (typeof spec.Image !== 'string' || spec.Image === '')
      return failure(400, 'Config cannot be empty in order to create a container');
    if (!images.has(withTag(spec.Image))) return failure(404, `No such image: ${withTag(spec.Image)}`);
    const name = `/${query.get('name') ?? `fake_${randomBytes(3).toString('hex')}`}`;
    const taken = [...containers.values()].find((c) => c.name === name);
    if (taken !== undefined)
      return failure(
        409,
        `Conflict. The container name "${name}" is already in use by container "${taken.id}".`,
      );
    const id = randomBytes(32).toString('hex');
    containers.set(id, {
      id,
      name,
      image: spec.Image,
      running: false,
      hostConfig: spec.HostConfig ?? {},
      cmd: spec.Cmd,
    });
    return { status: 201, body: { Id: id, Warnings: [] } };
  };

  const inspect = (c: Container): Reply => ({
    status: 200,
    body: {
      Id: c.id,
      Name: c.name,
      Image: c.image,
      State: { Status: c.running ? 'running' : 'created', Running: c.running },
      Config: { Image: c.image, Cmd: c.cmd },
      HostConfig: c.hostConfig,
    },
  });

  const start = (c: Container): Reply => {
    if (c.running) return { status: 304 };
    c.running = true;
    return { status: 204 };
  };

  const exec = (c: Container, body: string): Reply => {
    if (!c.running) return failure(409, `Container ${c.id} is not running`);
    const spec = parseJson(body);
    if (!Array.isArray(spec?.Cmd) || spec.Cmd.length === 0) return failure(400, 'No exec command specified');
    const id = randomBytes(32).toString('hex');
    execs.set(id, c.id);
    return { status: 201, body: { Id: id } };
  };

  const onContainer = (method: string, ref: string, action: string, body: string): Reply => {
    const c = find(ref);
    if (c === undefined) return failure(404, `No such container: ${ref}`);
    const key = `${method} ${action}`;
    if (key === 'GET json') return inspect(c);
    if (key === 'POST start') return start(c);
    if (key === 'POST exec') return exec(c, body);
    return failure(404, 'page not found');
  };

  /** The engine's own endpoints, which take no container. */
  const engineEndpoint = (path: string, method: string): Reply | undefined => {
    const headers = { 'api-version': maxApiVersion, 'docker-experimental': 'false', ostype: 'linux' };
    if (path === '/_ping') return { status: 200, body: 'OK', headers };
    if (path === '/version')
      return {
        status: 200,
        body: { Version: '20.10.24', ApiVersion: maxApiVersion, MinAPIVersion: '1.12', Os: 'linux' },
      };
    if (path === '/info')
      return { status: 200, body: { Containers: containers.size, ServerVersion: '20.10.24' } };
    if (path === '/containers/json' && method === 'GET')
      return {
        status: 200,
        body: [...containers.values()].map((c) => ({ Id: c.id, Names: [c.name], Image: c.image })),
      };
    return undefined;
  };

  const route = async (req: IncomingMessage): Promise<Reply> => {
    const url = new URL(req.url ?? '/', 'http://docker');
    const version = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
    if (version !== null && Number(version[1]) > Number(maxApiVersion))
      return failure(
        400,
        `client version ${version[1]} is too new. Maximum supported API version is ${maxApiVersion}`,
      );
    const path = version?.[2] ?? url.pathname;
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const answered = engineEndpoint(path, method);
    if (answered !== undefined) return answered;
    if (path === '/containers/create' && method === 'POST') return create(req, body, url.searchParams);
    const container = /^\/containers\/([^/]+)\/(json|start|exec)$/.exec(path);
    if (container !== null) return onContainer(method, container[1] ?? '', container[2] ?? '', body);
    return failure(404, 'page not found');
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const reply = await route(req);
    const text =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    const type = typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
    res.writeHead(reply.status, {
      server: 'Docker/20.10.24 (linux)',
      ...(text === '' ? {} : { 'content-type': type }),
      ...reply.headers,
    });
    res.end(text);
  };
};
