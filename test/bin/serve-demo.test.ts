/** When `meshward serve` replays the demo: loopback only, never in a pod, never into a store that has pods. */
import { afterEach, describe, expect, it } from 'vitest';
import { demoRefusal, startServeDemo } from '#bin/commands/serve-demo.ts';
import { learnConfigSchema } from '#functions/learn/learn-config.ts';
import { podRecordOf } from '#functions/learn/register-heartbeat.ts';
import { createLocalRuntime, setRuntime } from '#functions/platform/runtime.ts';
import { heartbeat, podRef } from '#test/functions/platform/factories.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

describe('demoRefusal', () => {
  it('allows loopback addresses outside a pod', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost'])
      expect(demoRefusal(host, {})).toBeUndefined();
  });

  it('refuses other addresses and any Kubernetes pod, saying why', () => {
    expect(demoRefusal('0.0.0.0', {})).toBe('bound to 0.0.0.0, not a loopback address');
    expect(demoRefusal('10.0.0.5', {})).toMatch(/not a loopback address/);
    expect(demoRefusal('127.0.0.1', { KUBERNETES_SERVICE_HOST: '10.96.0.1' })).toBe(
      'running inside a Kubernetes pod',
    );
  });
});

describe('startServeDemo', () => {
  afterEach(() => setRuntime(undefined));

  it('replays nothing into a data directory that already has pods', async () => {
    const runtime = await createLocalRuntime({ dataDir: tempDir('meshward-demo-') });
    await runtime.store.putPod(
      podRecordOf(podRef('web-7d9c5b6f4d-abcde'), heartbeat(), learnConfigSchema.parse({})),
    );
    setRuntime(runtime);
    const lines: string[] = [];
    const demo = await startServeDemo(1, '127.0.0.1', '', (_level, message) => lines.push(message));
    expect(demo).toBeUndefined();
    expect(lines).toEqual([]);
    await runtime.close();
  });

  it('logs why it does not replay on a non-loopback address', async () => {
    const lines: string[] = [];
    expect(await startServeDemo(1, '0.0.0.0', '', (_level, message) => lines.push(message))).toBeUndefined();
    expect(lines).toEqual(['demo: not replayed (bound to 0.0.0.0, not a loopback address)']);
  });
});
