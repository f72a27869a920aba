/** `meshward rules`, `meshward mode`, `meshward violations` against a real local control plane over HTTPS. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modeCommand } from '#bin/commands/mode.ts';
import { rulesCommand } from '#bin/commands/rules.ts';
import { violationsCommand } from '#bin/commands/violations.ts';
import { main } from '#bin/main.ts';
import { apiCall, clientOptions } from '#functions/api/api-client.ts';
import { batch, flow, heartbeat, podRef } from '../functions/platform/factories.ts';
import { captureIo, startControlPlane, type TestControlPlane } from './control-plane-server.ts';

const list = [rulesCommand, modeCommand, violationsCommand];
let plane: TestControlPlane;
const frontend = podRef('frontend-7d9c5b6f4d-abcde');

const run = async (...args: string[]) => {
  const { io, out, err } = captureIo();
  const code = await main([...args, '--server', plane.url, '--data', plane.dataDir], io, list);
  return { code, out: out.join('\n'), err: err.join('\n') };
};

const postFindings = async (findings: Parameters<typeof batch>[1]) => {
  const token = (await plane.runtime.issuer?.mintPodToken(frontend)) ?? '';
  const options = { ...clientOptions({ data: plane.dataDir, server: plane.url }, {}), token };
  const answer = await apiCall(options, 'POST', '/findings', batch(frontend, findings, randomUUID()));
  await plane.runtime.idle();
  return answer;
};

beforeAll(async () => {
  plane = await startControlPlane();
});
afterAll(async () => plane.close());

describe('API commands', () => {
  it('shows the rules learned from findings posted over HTTPS', async () => {
    const answer = await postFindings([
      heartbeat({ at: new Date().toISOString() }),
      flow({ server: { ip: '10.0.0.2', port: 8080 }, l7: { http: { methods: ['GET'], paths: ['/cart'] } } }),
    ]);
    expect(answer).toMatchObject({ status: 200, body: { stored: true, accepted: 2 } });
    const { code, out } = await run('rules');
    expect(code).toBe(0);
    expect(out).toMatch(/shop\/frontend\s+10\.0\.0\.2\/32\s+tcp\/8080\s+http\s+1\s+GET \/cart/);
    const json = await run('rules', '--json', '--group', 'shop/frontend');
    expect(JSON.parse(json.out).rules).toHaveLength(1);
  });

  it('switches a group to monitor, then lists the violation and allows it', async () => {
    const switched = await run('mode', 'shop/frontend', 'monitor');
    expect(switched).toMatchObject({ code: 0, out: 'shop/frontend: monitor (1 tap(s) notified)' });
    const answer = await postFindings([flow({ server: { ip: '10.0.0.2', port: 6379 }, protocol: 'redis' })]);
    expect((answer.body as { commands: string[] }).commands).toHaveLength(1);
    const listed = await run('violations');
    expect(listed.out).toContain(
      'monitor  shop/frontend ↔ 10.0.0.2/32 tcp/6379 redis: shop/frontend → 10.0.0.2/32: port 6379 is not allowed (rule allows 8080)',
    );
    const id = /\[(v-[0-9a-f]+)\]/.exec(listed.out)?.[1] ?? '';
    const allowed = await run('violations', 'allow', id);
    expect(allowed.out).toMatch(/^allowed: rule r-/);
    expect((await run('rules')).out).toContain('tcp/6379');
  });

  it('explains bad arguments and server refusals', async () => {
    expect(await run('mode', 'frontend', 'monitor')).toMatchObject({ code: 2 });
    expect((await run('mode', 'shop/frontend', 'block')).err).toContain(
      'mode must be discover, monitor or protect',
    );
    expect((await run('mode', 'shop/nothing', 'monitor')).err).toContain(
      'control plane answered 404: no group shop/nothing',
    );
    const viewer = (await plane.runtime.issuer?.mintApiToken('viewer')) ?? '';
    expect((await run('mode', 'shop/frontend', 'protect', '--token', viewer)).err).toContain(
      'needs the operator role',
    );
  });
});
