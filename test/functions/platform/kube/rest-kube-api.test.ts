/** The plain-HTTPS adapter, configured from a kubeconfig as kubectl writes it, passes the KubeApi contract. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubeConnectionFromEnv } from '#functions/platform/kube/kube-connection.ts';
import { createRestKubeApi } from '#functions/platform/kube/rest-kube-api.ts';
import type { FakeKubeApi } from '#test/helpers/fake-kube-api.ts';
import { kubeApiContract } from './kube-api-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `kubectl config view --raw` for the fake server. */
const kubeconfigFor = (fake: FakeKubeApi, token: string): string => {
  const caData = fake.kubeConfig().getCurrentCluster()?.caData ?? '';
  const path = join(dir, `config-${token}`);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: fake',
      'clusters:',
      `- name: fake\n  cluster:\n    server: ${fake.url}\n    certificate-authority-data: ${caData}`,
      'users:',
      `- name: meshward\n  user:\n    token: ${token}`,
      'contexts:',
      '- name: fake\n  context:\n    cluster: fake\n    user: meshward',
    ].join('\n'),
  );
  return path;
};

kubeApiContract('createRestKubeApi', (fake, token) =>
  createRestKubeApi(kubeConnectionFromEnv({ MESHWARD_KUBECONFIG: kubeconfigFor(fake, token ?? fake.token) })),
);

describe('Kubernetes connection settings', () => {
  it('names a missing or unusable kubeconfig', () => {
    expect(() => kubeConnectionFromEnv({ MESHWARD_KUBECONFIG: '/nonexistent/config' })).toThrow(
      'cannot load the Kubernetes configuration (file): cannot read /nonexistent/config',
    );
    const path = join(dir, 'config-without-context');
    writeFileSync(path, 'apiVersion: v1\nkind: Config\n');
    expect(() => kubeConnectionFromEnv({ MESHWARD_KUBECONFIG: path })).toThrow('has no current context');
  });
});
