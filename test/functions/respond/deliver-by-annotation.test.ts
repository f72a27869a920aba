import { createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '#core/command.ts';
import { generateCommandKey } from '#functions/platform/keys/command-key.ts';
import { createCommandSigner } from '#functions/platform/keys/command-signer.ts';
import { createClientNodeKubeApi } from '#functions/platform/kube/client-node-kube-api.ts';
import { capture } from '#functions/respond/actions/capture.ts';
import { quarantinePod } from '#functions/respond/actions/quarantine-pod.ts';
import { releasePod } from '#functions/respond/actions/release-pod.ts';
import { commandsAnnotation } from '#functions/respond/command-annotation.ts';
import { runAction } from '#functions/respond/run-action.ts';
import { createTapCommands } from '#functions/respond/tap-commands.ts';
import { unavailableKube } from '#functions/respond/unavailable-deps.ts';
import { commandsAnnotation as tapCommandsAnnotation } from '#sidecar/commands/annotation-commands.ts';
import { createReplayCache } from '#sidecar/commands/replay-cache.ts';
import { createCommandVerifier } from '#sidecar/commands/verify-command.ts';
import { annotationInbox } from '#sidecar/tap/annotation-inbox.ts';
import { type CommandOutcome, createCommandDispatch } from '#sidecar/tap/command-dispatch.ts';
import { type FakeKubeApi, startFakeKubeApi } from '#test/helpers/fake-kube-api.ts';
import { ownedPod } from './kube-fixtures.ts';
import { respondDeps } from './respond-deps.ts';

const now = '2026-11-26T12:00:00.000Z';
const nowSeconds = Date.parse(now) / 1000;

let fake: FakeKubeApi;
beforeAll(async () => {
  fake = await startFakeKubeApi();
});
afterAll(() => fake.stop());

const seed = (namespace: string, name: string, uid: string) => {
  const pod = ownedPod(name, { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, namespace);
  fake.put('pods', { ...pod, metadata: { ...pod.metadata, uid } });
};

/** The control plane's side: real signer, fake API server; the tap last reported at `lastSeen`. */
const controlPlane = async (lastSeen: string | undefined) => {
  const signer = await createCommandSigner(await generateCommandKey());
  const tap = createTapCommands({
    sign: (command: Command) => signer.sign(command),
    putCommand: async () => {},
    nowSeconds: () => nowSeconds,
  });
  const { deps } = await respondDeps(createClientNodeKubeApi(fake.kubeConfig()), {
    tap,
    tapLastSeen: async () => lastSeen,
  });
  return { deps, signer };
};

/** The tap's side: its real verifier (audience = its pod uid, replay cache) behind the annotation inbox. */
const tapSide = (
  jwks: Parameters<typeof createLocalJWKSet>[0],
  uid: string,
  replay = createReplayCache(),
) => {
  const done: string[] = [];
  const outcomes: CommandOutcome[] = [];
  const verify = createCommandVerifier({
    keys: createLocalJWKSet(jwks),
    podUid: () => uid,
    replay,
    nowSeconds: () => nowSeconds + 5,
  });
  const dispatch = createCommandDispatch(verify, {
    quarantine: async (reason) => void done.push(`quarantine: ${reason}`),
    release: async () => void done.push('release'),
    setMode: (mode) => void done.push(`mode ${mode}`),
    capture: async (request) => {
      done.push(`capture ${request.commandId}`);
      return { ok: false, commandId: request.commandId, reason: 'not recording in this test' };
    },
    report: () => {},
  });
  const handled: Promise<unknown>[] = [];
  const inbox = annotationInbox(async (tokens) => {
    const work = dispatch(tokens).then((result) => void outcomes.push(...result));
    handled.push(work);
    await work;
    return outcomes;
  });
  return {
    done,
    outcomes,
    read: async (annotations: Record<string, string>) => {
      inbox(annotations);
      await Promise.all(handled);
    },
  };
};

const annotationsOf = (namespace: string, name: string) =>
  fake.get('pods', namespace, name)?.metadata.annotations ?? {};
const target = (namespace: string, name: string, uid: string) => ({
  actor: 'slack:U123',
  reason: 'dns tunnel to evil.example',
  now,
  pod: { namespace, name, uid },
});

describe('command delivery by pod annotation when the tap does not poll ingest', () => {
  it('writes the signed quarantine into meshward.io/commands by merge patch; the tap runs it once, refuses a replay', async () => {
    expect(commandsAnnotation).toBe(tapCommandsAnnotation);
    seed('a1', 'web-1', 'uid-a1');
    const { deps, signer } = await controlPlane('2026-11-26T11:55:00.000Z');
    const result = await runAction(
      quarantinePod,
      { params: {}, target: target('a1', 'web-1', 'uid-a1') },
      deps,
    );
    expect(result.status).toBe('done');
    expect(result.notes).toContain(
      `the tap has not reported since 2026-11-26T11:55:00.000Z: command also written to the pod annotation ${commandsAnnotation}`,
    );
    const patches = fake.callsTo('PATCH', '/namespaces/a1/pods/web-1');
    expect(patches.map((call) => call.contentType)).toEqual([
      'application/merge-patch+json',
      'application/merge-patch+json',
    ]);
    const tokens = JSON.parse(annotationsOf('a1', 'web-1')[commandsAnnotation] ?? '[]') as string[];
    expect(tokens).toHaveLength(1);

    const replay = createReplayCache();
    const tap = tapSide(signer.jwks, 'uid-a1', replay);
    await tap.read(annotationsOf('a1', 'web-1'));
    await tap.read(annotationsOf('a1', 'web-1'));
    expect(tap.done).toEqual(['quarantine: dns tunnel to evil.example']);
    // A restarted inbox sees the same annotation again: the verifier's replay cache refuses it.
    const restarted = tapSide(signer.jwks, 'uid-a1', replay);
    await restarted.read(annotationsOf('a1', 'web-1'));
    expect(restarted.done).toEqual([]);
    expect(restarted.outcomes).toMatchObject([{ ok: false, detail: expect.stringContaining('replay') }]);
    // Another pod's tap refuses a token addressed to this pod.
    const other = tapSide(signer.jwks, 'uid-someone-else');
    await other.read(annotationsOf('a1', 'web-1'));
    expect(other.outcomes).toMatchObject([{ ok: false, detail: 'command is addressed to another pod' }]);
  });

  it('appends release and capture after the quarantine; the tap runs only the new ones', async () => {
    seed('a2', 'web-2', 'uid-a2');
    const { deps, signer } = await controlPlane(undefined);
    const tap = tapSide(signer.jwks, 'uid-a2');
    await runAction(quarantinePod, { params: {}, target: target('a2', 'web-2', 'uid-a2') }, deps);
    await tap.read(annotationsOf('a2', 'web-2'));
    const released = await runAction(
      releasePod,
      { params: {}, target: target('a2', 'web-2', 'uid-a2') },
      deps,
    );
    expect(released.notes[0]).toBe(
      `the tap has never reported: command also written to the pod annotation ${commandsAnnotation}`,
    );
    const captured = await runAction(
      capture,
      { params: { beforeSeconds: 5, afterSeconds: 0 }, target: target('a2', 'web-2', 'uid-a2') },
      deps,
    );
    expect(captured.status).toBe('done');
    await tap.read(annotationsOf('a2', 'web-2'));
    expect(tap.done).toEqual([
      'quarantine: dns tunnel to evil.example',
      'release',
      expect.stringMatching(/^capture [0-9a-f]{32}$/),
    ]);
    expect(JSON.parse(annotationsOf('a2', 'web-2')[commandsAnnotation] ?? '[]')).toHaveLength(3);
  });

  it('keeps the command (queued for ingest) when the API server is away, and says the annotation failed', async () => {
    const { deps } = await controlPlane(undefined);
    deps.kube = unavailableKube('the API server is unreachable');
    const result = await runAction(capture, { params: {}, target: target('a5', 'web-5', 'uid-a5') }, deps);
    expect(result.status).toBe('done');
    expect(result.notes).toEqual([
      'the tap has never reported, and the command annotation could not be written: the API server is unreachable',
    ]);
  });

  it('leaves the annotation alone while the tap polls ingest', async () => {
    seed('a3', 'web-3', 'uid-a3');
    const { deps } = await controlPlane('2026-11-26T11:59:40.000Z');
    const result = await runAction(
      quarantinePod,
      { params: {}, target: target('a3', 'web-3', 'uid-a3') },
      deps,
    );
    expect(result.status).toBe('done');
    expect(result.notes).toEqual([]);
    expect(annotationsOf('a3', 'web-3')[commandsAnnotation]).toBeUndefined();
    expect(fake.callsTo('PATCH', '/namespaces/a3/pods/web-3')).toHaveLength(1);
  });

  it('retries on a conflicting write and keeps the other writer’s token', async () => {
    seed('a4', 'web-4', 'uid-a4');
    const { deps, signer } = await controlPlane(undefined);
    const { token } = await deps.tap.send({ kind: 'release', podUid: 'uid-a4' });
    // Someone else appends between our read and our annotation patch (the second PATCH): it answers 409.
    fake.before('PATCH', '/namespaces/a4/pods/web-4', () => {});
    fake.before('PATCH', '/namespaces/a4/pods/web-4', (api) =>
      api.touch('pods', 'a4', 'web-4', (pod) => {
        pod.metadata.annotations = {
          ...pod.metadata.annotations,
          [commandsAnnotation]: JSON.stringify([token]),
        };
      }),
    );
    const result = await runAction(
      quarantinePod,
      { params: {}, target: target('a4', 'web-4', 'uid-a4') },
      deps,
    );
    expect(result.status).toBe('done');
    const tokens = JSON.parse(annotationsOf('a4', 'web-4')[commandsAnnotation] ?? '[]') as string[];
    expect(tokens[0]).toBe(token);
    expect(tokens).toHaveLength(2);
    expect(fake.callsTo('PATCH', '/namespaces/a4/pods/web-4').map((call) => call.status)).toEqual([
      200, 409, 200,
    ]);
    const tap = tapSide(signer.jwks, 'uid-a4');
    await tap.read(annotationsOf('a4', 'web-4'));
    expect(tap.done).toEqual(['release', 'quarantine: dns tunnel to evil.example']);
  });
});
