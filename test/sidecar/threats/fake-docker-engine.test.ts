/**
 * The fake Docker Engine API enforces the real one's rules (versions, content types, images, names, containers, exec
 * in running containers only), and Docker's own Python SDK drives it: the fake is faithful enough for docker-api-real.
 */
import { execFile, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeDockerEngine } from '#test/helpers/fake-docker-engine.ts';

const run = promisify(execFile);
const python = '/usr/bin/python3';
const sdkAvailable = (() => {
  try {
    execFileSync(python, ['-c', 'import docker'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let server: Server;
let base = '';
beforeAll(async () => {
  const handler = fakeDockerEngine();
  server = createServer((req, res) => void handler(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const post = (path: string, body: unknown, type = 'application/json') =>
  fetch(`http://${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: JSON.stringify(body),
  });

describe('fake Docker Engine API', () => {
  it('enforces versions, content types, images, names and running containers, with Docker-shaped errors', async () => {
    const tooNew = await fetch(`http://${base}/v1.99/containers/json`);
    expect(tooNew.status).toBe(400);
    expect(await tooNew.json()).toEqual({
      message: 'client version 1.99 is too new. Maximum supported API version is 1.41',
    });
    expect((await post('/v1.41/containers/create', { Image: 'alpine:3.19' }, 'text/plain')).status).toBe(400);
    expect(await (await post('/v1.41/containers/create', { Image: 'nope' })).json()).toEqual({
      message: 'No such image: nope:latest',
    });
    expect((await post('/v1.41/containers/create?name=a', { Image: 'alpine:3.19' })).status).toBe(201);
    expect((await post('/v1.41/containers/create?name=a', { Image: 'alpine:3.19' })).status).toBe(409);
    expect((await post('/v1.41/containers/a/exec', { Cmd: ['id'] })).status).toBe(409);
    expect((await post('/v1.41/containers/a/start', {})).status).toBe(204);
    expect((await post('/v1.41/containers/a/start', {})).status).toBe(304);
    expect((await post('/v1.41/containers/a/exec', { Cmd: ['id'] })).status).toBe(201);
    expect((await post('/v1.41/containers/zzz/start', {})).status).toBe(404);
    const ping = await fetch(`http://${base}/_ping`);
    expect(ping.headers.get('api-version')).toBe('1.41');
    expect(await ping.text()).toBe('OK');
  });

  it.skipIf(!sdkAvailable)(
    `is driven by Docker's own Python SDK${sdkAvailable ? '' : ' (skipped: apt-get install python3-docker)'}`,
    async () => {
      const sdk = async (scenario: string) =>
        JSON.parse(
          (
            await run(python, ['test/helpers/docker-sdk-client.py', `tcp://${base}`, scenario], {
              timeout: 20_000,
            })
          ).stdout,
        );
      expect(await sdk('run')).toMatchObject({
        exec: expect.stringMatching(/^[0-9a-f]{12}$/),
        conflict: 409,
      });
      expect(await sdk('escape')).toMatchObject({ started: expect.stringMatching(/^[0-9a-f]{12}$/) });
      expect(await sdk('look')).toEqual({ ping: true, containers: 3, version: '20.10.24' });
    },
    30_000,
  );
});
