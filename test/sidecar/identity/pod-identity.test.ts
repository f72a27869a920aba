import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPodIdentity } from '#sidecar/identity/pod-identity.ts';
import { type PodInfo, watchPodInfo } from '#sidecar/identity/watch-pod-info.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const env = (dir: string): NodeJS.ProcessEnv => ({
  MESHWARD_POD_NAME: 'cart-7d9f8c6b5-x2k9p',
  MESHWARD_POD_NAMESPACE: 'shop',
  MESHWARD_POD_UID: '0b7c1e52-9c4a-4e8e-b1f0-2d1f3c4b5a69',
  MESHWARD_POD_IP: '10.244.1.7',
  MESHWARD_POD_IPS: '10.244.1.7,fd00:10:244:1::7',
  MESHWARD_NODE_NAME: 'node-a',
  MESHWARD_SERVICE_ACCOUNT: 'cart',
  MESHWARD_PODINFO_DIR: dir,
});

/** Writes the files the way the kubelet's atomic writer does: a timestamped dir, `..data` symlink, file symlinks. */
const kubeletWrite = (dir: string, generation: number, labels: string, annotations: string) => {
  const data = join(dir, `..2026_11_26_${generation}`);
  mkdirSync(data);
  writeFileSync(join(data, 'labels'), labels);
  writeFileSync(join(data, 'annotations'), annotations);
  symlinkSync(data, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  if (generation === 1) {
    symlinkSync('..data/labels', join(dir, 'labels'));
    symlinkSync('..data/annotations', join(dir, 'annotations'));
  }
};

describe('readPodIdentity', () => {
  it('combines the downward API env and files into the pod identity with its owner', async () => {
    const dir = tempDir('meshward-podinfo-');
    kubeletWrite(dir, 1, 'app="cart"\npod-template-hash="7d9f8c6b5"', 'meshward.io/inject="true"');
    expect(await readPodIdentity(env(dir))).toEqual({
      namespace: 'shop',
      name: 'cart-7d9f8c6b5-x2k9p',
      uid: '0b7c1e52-9c4a-4e8e-b1f0-2d1f3c4b5a69',
      ips: ['10.244.1.7', 'fd00:10:244:1::7'],
      nodeName: 'node-a',
      serviceAccount: 'cart',
      labels: { app: 'cart', 'pod-template-hash': '7d9f8c6b5' },
      annotations: { 'meshward.io/inject': 'true' },
      owner: { kind: 'ReplicaSet', name: 'cart-7d9f8c6b5' },
    });
  });

  it('fails clearly without the pod uid', async () => {
    await expect(readPodIdentity({ ...env(''), MESHWARD_POD_UID: '' })).rejects.toThrow(
      /MESHWARD_POD_UID is not set/,
    );
  });

  it('notices a relabel written by the kubelet, and only real changes', async () => {
    const dir = tempDir('meshward-podinfo-');
    kubeletWrite(dir, 1, 'app="cart"', '');
    const changes: PodInfo[] = [];
    const first = await readPodIdentity(env(dir));
    const watch = watchPodInfo(
      dir,
      { labels: first.labels, annotations: first.annotations },
      (info) => changes.push(info),
      60_000,
    );
    try {
      expect(await watch.check()).toBe(false);
      kubeletWrite(dir, 2, 'app="cart"\nmeshward.io/quarantined="true"', 'meshward.io/commands="a.b.c"');
      await watch.check();
      expect(changes.at(-1)).toEqual({
        labels: { app: 'cart', 'meshward.io/quarantined': 'true' },
        annotations: { 'meshward.io/commands': 'a.b.c' },
      });
      expect(await watch.check()).toBe(false);
    } finally {
      watch.close();
    }
  });
});
