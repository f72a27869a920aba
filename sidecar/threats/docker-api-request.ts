/**
 * What an HTTP request asks of a Docker Engine API (Docker's, and Podman's compatible one), read from the API's
 * reference: its endpoints (versioned `/v1.41/containers/create`, or the few unversioned ones only Docker has), and for
 * a container created, the host access its `HostConfig` grants. Everything else is not a Docker API request, so a web
 * app's `/images/logo.png` is left alone.
 */
import type { HttpRequestEvent } from '../events.ts';
import { headerNamed } from '../protocols/http-head.ts';

/** `escape`: a container given the host (privileged, the host's file system or namespaces); `control`: any other change; `read`: a look around. */
export type DockerAction = { kind: 'escape' | 'control' | 'read'; what: string };

const resources =
  'containers|images|exec|volumes|networks|swarm|services|tasks|secrets|configs|plugins|nodes|build|system|session|distribution|_ping|version|info|events|auth|commit|libpod';
const versioned = new RegExp(`^/v1\\.\\d{1,2}/(?:${resources})(?:/|$)`);
/** Unversioned paths no other common API serves. */
const dockerOnly =
  /^\/(?:_ping|containers\/(?:json|create)|images\/(?:json|create)|exec\/[0-9a-f]{12,64}\/(?:start|json))$/;
const dockerClients = /^(?:Docker-Client\/|docker-sdk-python\/|docker-py\/|docker\/|libpod\/|Podman\/)/i;

/** Host paths whose bind mount hands the container the node: its root, configuration, runtimes, kubelet. */
const hostPaths =
  /^\/(?:$|etc|root|home|proc|sys|dev|boot|usr|bin|sbin|lib|lib64|run|var\/run|var\/lib\/(?:kubelet|docker|containerd))(?:\/|$)/;
const hostCapabilities = new Set([
  'ALL',
  'SYS_ADMIN',
  'SYS_PTRACE',
  'SYS_MODULE',
  'DAC_READ_SEARCH',
  'SYS_RAWIO',
]);

const isDockerRequest = (event: HttpRequestEvent, path: string): boolean =>
  versioned.test(path) ||
  dockerOnly.test(path) ||
  dockerClients.test(headerNamed(event.headers, 'user-agent') ?? '');

type HostConfig = {
  Privileged?: unknown;
  Binds?: unknown;
  Mounts?: unknown;
  PidMode?: unknown;
  NetworkMode?: unknown;
  IpcMode?: unknown;
  UTSMode?: unknown;
  CapAdd?: unknown;
  Devices?: unknown;
  SecurityOpt?: unknown;
};

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

const mountSources = (host: HostConfig): string[] => [
  ...strings(host.Binds).map((bind) => bind.split(':')[0] ?? ''),
  ...(Array.isArray(host.Mounts)
    ? host.Mounts.flatMap((m: { Type?: unknown; Source?: unknown }) =>
        m !== null && typeof m === 'object' && m.Type === 'bind' && typeof m.Source === 'string'
          ? [m.Source]
          : [],
      )
    : []),
];

/** What of the host a container's HostConfig hands it, each as a phrase; empty when nothing. */
export const hostAccess = (host: HostConfig): string[] => {
  const out: string[] = [];
  if (host.Privileged === true) out.push('is privileged');
  const mounts = mountSources(host).filter((source) => hostPaths.test(source));
  if (mounts.length > 0) out.push(`mounts ${mounts.slice(0, 3).join(', ')} from the host`);
  const shared = (['PidMode', 'NetworkMode', 'IpcMode', 'UTSMode'] as const).filter(
    (key) => host[key] === 'host',
  );
  if (shared.length > 0)
    out.push(`shares the host's ${shared.map((k) => k.replace('Mode', '').toUpperCase()).join(', ')}`);
  const caps = strings(host.CapAdd).filter((cap) =>
    hostCapabilities.has(cap.toUpperCase().replace(/^CAP_/, '')),
  );
  if (caps.length > 0) out.push(`adds ${caps.join(', ')}`);
  if (Array.isArray(host.Devices) && host.Devices.length > 0) out.push('maps host devices');
  const unconfined = strings(host.SecurityOpt).filter((opt) => /unconfined/.test(opt));
  if (unconfined.length > 0) out.push(`runs ${unconfined.join(', ')}`);
  return out;
};

const jsonBody = (event: HttpRequestEvent): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(event.body));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const created = (event: HttpRequestEvent): DockerAction => {
  const body = jsonBody(event);
  const image = typeof body?.Image === 'string' ? ` (image ${body.Image.slice(0, 80)})` : '';
  const access = hostAccess((body?.HostConfig ?? {}) as HostConfig);
  if (access.length > 0)
    return { kind: 'escape', what: `created a container${image} that ${access.join(', ')}` };
  if (event.bodyTruncated && body === undefined)
    return { kind: 'control', what: `created a container${image} (its settings past what was read)` };
  return { kind: 'control', what: `created a container${image}` };
};

const execCreated = (event: HttpRequestEvent, container: string): DockerAction => {
  const body = jsonBody(event);
  const cmd = strings(body?.Cmd).join(' ').slice(0, 80);
  const privileged = body?.Privileged === true ? ' (privileged)' : '';
  return { kind: 'control', what: `ran \`${cmd}\` in container ${container.slice(0, 12)}${privileged}` };
};

/** The action a Docker API request takes, or undefined when the request is not one. */
export const dockerAction = (event: HttpRequestEvent): DockerAction | undefined => {
  if (event.direction !== 'to-server' || !isDockerRequest(event, event.path)) return undefined;
  const path = event.path.replace(/^\/v1\.\d{1,2}(?=\/)/, '').replace(/^\/libpod(?=\/)/, '');
  const method = event.method.toUpperCase();
  if (method === 'POST' && path === '/containers/create') return created(event);
  const exec = /^\/containers\/([^/]+)\/exec$/.exec(path);
  if (method === 'POST' && exec !== null) return execCreated(event, exec[1] ?? '');
  if (method === 'GET' || method === 'HEAD') return { kind: 'read', what: `read ${path.slice(0, 80)}` };
  return { kind: 'control', what: `${method} ${path.slice(0, 80)}` };
};
