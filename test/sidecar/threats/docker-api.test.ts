import { describe, expect, it } from 'vitest';
import type { Header } from '#sidecar/events.ts';
import { dockerApi } from '#sidecar/threats/docker-api.ts';
import { dockerAction, hostAccess } from '#sidecar/threats/docker-api-request.ts';
import { flow, httpRequest, runThreat } from './threat-factories.ts';

const json: Header = ['Content-Type', 'application/json'];
const post = (target: string, body: unknown, headers: Header[] = [json]) =>
  httpRequest(target, { method: 'POST', headers, body: JSON.stringify(body) });
const get = (target: string, headers: Header[] = []) => httpRequest(target, { headers });
const engine = flow({ server: { ip: '10.0.0.1', port: 2375 } });
const run = (
  event: ReturnType<typeof get>,
  options: { config?: Record<string, unknown>; f?: typeof engine } = {},
) =>
  runThreat(dockerApi, [event], {
    flow: options.f ?? engine,
    ...(options.config ? { config: options.config } : {}),
  });

describe('docker-api: reading Docker Engine API requests', () => {
  it.each([
    [{ Privileged: true }, ['is privileged']],
    [{ Binds: ['/:/host'] }, ['mounts / from the host']],
    [
      { Binds: ['/var/run/docker.sock:/var/run/docker.sock:ro', '/data:/data'] },
      ['mounts /var/run/docker.sock from the host'],
    ],
    [{ Mounts: [{ Type: 'bind', Source: '/etc', Target: '/x' }] }, ['mounts /etc from the host']],
    [{ Mounts: [{ Type: 'volume', Source: 'etc', Target: '/x' }] }, []],
    [{ PidMode: 'host', NetworkMode: 'host' }, ["shares the host's PID, NETWORK"]],
    [{ CapAdd: ['NET_BIND_SERVICE', 'CAP_SYS_ADMIN'] }, ['adds CAP_SYS_ADMIN']],
    [{ Devices: [{ PathOnHost: '/dev/sda' }] }, ['maps host devices']],
    [{ SecurityOpt: ['seccomp=unconfined'] }, ['runs seccomp=unconfined']],
    [{ Binds: ['/srv/app-data:/data', '/etcd-backup:/b'] }, []],
    [{ NetworkMode: 'bridge', Privileged: false }, []],
  ])('HostConfig %j gives the container %j', (host, access) => {
    expect(hostAccess(host)).toEqual(access);
  });

  it('tells a container given the host from any other, and exec from reads', () => {
    const breakout = dockerAction(
      post('/v1.41/containers/create', { Image: 'alpine', HostConfig: { Privileged: true } }),
    );
    expect(breakout).toEqual({
      kind: 'escape',
      what: 'created a container (image alpine) that is privileged',
    });
    expect(dockerAction(post('/v1.41/containers/create?name=x', { Image: 'nginx', HostConfig: {} }))).toEqual(
      {
        kind: 'control',
        what: 'created a container (image nginx)',
      },
    );
    expect(dockerAction(post('/v1.41/containers/0123456789ab/exec', { Cmd: ['sh', '-c', 'id'] }))).toEqual({
      kind: 'control',
      what: 'ran `sh -c id` in container 0123456789ab',
    });
    expect(dockerAction(get('/v1.41/containers/json?all=1'))?.kind).toBe('read');
    expect(dockerAction(get('/_ping'))?.kind).toBe('read');
    expect(dockerAction(post('/images/create?fromImage=alpine', {}))?.kind).toBe('control');
    expect(dockerAction(post('/v4.0.0/libpod/containers/create', {}))).toBeUndefined();
    expect(
      dockerAction(post('/v1.41/libpod/containers/create', { Image: 'a', HostConfig: { Privileged: true } }))
        ?.kind,
    ).toBe('escape');
  });

  it('leaves web apps alone: their /images and /containers paths are not the Docker API', () => {
    for (const target of [
      '/images/logo.png',
      '/containers/42',
      '/api/containers/create',
      '/version',
      '/info',
      '/v1/images',
    ])
      expect(dockerAction(get(target))).toBeUndefined();
    expect(dockerAction(get('/version', [['User-Agent', 'docker-sdk-python/5.0.3']]))?.kind).toBe('read');
    expect(dockerAction(get('/version', [['User-Agent', 'Docker-Client/24.0.5 (linux)']]))?.kind).toBe(
      'read',
    );
    expect(dockerAction({ ...get('/_ping'), direction: 'to-client' })).toBeUndefined();
  });

  it('reads a truncated or broken body as a plain container, saying so when it was cut', () => {
    const broken = {
      ...post('/v1.41/containers/create', {}),
      body: new TextEncoder().encode('{"Image": "a", "HostC'),
    };
    expect(dockerAction({ ...broken, bodyTruncated: true })?.what).toContain(
      'its settings past what was read',
    );
    expect(dockerAction(broken)).toEqual({ kind: 'control', what: 'created a container' });
  });
});

describe('docker-api: findings', () => {
  it('reports an escape at critical with the engine named', () => {
    const hits = run(
      post('/v1.41/containers/create', { Image: 'alpine:3.19', HostConfig: { Binds: ['/:/host'] } }),
    );
    expect(hits).toEqual([
      expect.objectContaining({
        threat: 'docker-api',
        severity: 'critical',
        confidence: 1,
        evidence:
          'created a container (image alpine:3.19) that mounts / from the host through the Docker API at 10.0.0.1:2375: an escape from the pod, outside Kubernetes admission control',
      }),
    ]);
  });

  it('reports control at high and reads at medium; either can be off', () => {
    expect(run(post('/v1.41/containers/abc/start', {}))[0]?.severity).toBe('high');
    expect(run(get('/v1.41/info'))[0]?.severity).toBe('medium');
    expect(run(get('/v1.41/info'), { config: { reads: 'off' } })).toEqual([]);
    expect(run(post('/v1.41/containers/abc/start', {}), { config: { control: 'off' } })).toEqual([]);
  });

  it('leaves loopback (a Docker-in-Docker sidecar) and allowed servers alone unless asked', () => {
    const dind = flow({ client: { ip: '127.0.0.1', port: 40000 }, server: { ip: '127.0.0.1', port: 2375 } });
    const breakout = post('/v1.41/containers/create', { Image: 'a', HostConfig: { Privileged: true } });
    expect(run(breakout, { f: dind })).toEqual([]);
    expect(run(breakout, { f: dind, config: { loopback: true } })).toHaveLength(1);
    expect(run(breakout, { config: { allowServers: ['10.0.0.1:2375'] } })).toEqual([]);
  });
});
