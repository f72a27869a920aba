import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeConfigSource, loadKubeConfig } from '#functions/platform/kube/load-kube-config.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
  - name: kind-meshward
    cluster:
      server: https://127.0.0.1:6443
      insecure-skip-tls-verify: false
users:
  - name: meshward
    user:
      token: abc
contexts:
  - name: kind-meshward
    context: { cluster: kind-meshward, user: meshward }
current-context: kind-meshward
`;

describe('loadKubeConfig', () => {
  it('reads a kubeconfig from text or a file', () => {
    expect(loadKubeConfig({ type: 'text', text: kubeconfig }).getCurrentCluster()?.server).toBe(
      'https://127.0.0.1:6443',
    );
    const path = join(tempDir('meshward-kubeconfig-'), 'config');
    writeFileSync(path, kubeconfig);
    expect(loadKubeConfig({ type: 'file', path }).getCurrentUser()?.token).toBe('abc');
  });

  it('fails with config-invalid for a missing file or a config without a cluster', () => {
    expect(() => loadKubeConfig({ type: 'file', path: '/nonexistent/kubeconfig' })).toThrow(
      expect.objectContaining({ code: 'config-invalid' }),
    );
    expect(() => loadKubeConfig({ type: 'text', text: 'apiVersion: v1\nkind: Config\n' })).toThrow(
      /names no cluster/,
    );
  });

  it('chooses MESHWARD_KUBECONFIG, then in-cluster inside a pod, then the default chain', () => {
    expect(kubeConfigSource({ MESHWARD_KUBECONFIG: '/k', KUBERNETES_SERVICE_HOST: '10.96.0.1' })).toEqual({
      type: 'file',
      path: '/k',
    });
    expect(kubeConfigSource({ KUBERNETES_SERVICE_HOST: '10.96.0.1' })).toEqual({ type: 'in-cluster' });
    expect(kubeConfigSource({})).toEqual({ type: 'default' });
  });
});
