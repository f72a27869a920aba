/** `meshward install` output: parses, validates against the Kubernetes OpenAPI schemas, and excludes what it must. */

import {
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
} from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { main } from '#bin/main.ts';
import { parseInstallOptions } from '#infra/k8s/render/install-options.ts';
import { installManifests, renderInstall } from '#infra/k8s/render/render-install.ts';

const models: Record<string, new (data: any) => { validate(): void }> = {
  Namespace,
  ServiceAccount,
  ConfigMap,
  PersistentVolumeClaim,
  Secret,
  Service,
  Deployment,
  ClusterRole,
  ClusterRoleBinding,
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
};

const options = parseInstallOptions({
  endpoint: 'https://meshward.example.com/',
  webhookPathSecret: 'Zr4xK9qLm2Vn7Wt5',
  caBundlePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  inCluster: true,
});

describe('meshward install manifests', () => {
  it('--ca-bundle becomes the meshward-ca ConfigMap, which the control plane passes to the taps it injects', () => {
    const documents = installManifests(options) as any[];
    const kinds = documents.map((d) => d.kind);
    const configMap = documents.find((d) => d.kind === 'ConfigMap');
    expect(configMap).toMatchObject({
      metadata: { name: 'meshward-ca', namespace: 'meshward' },
      data: { 'ca.crt': options.caBundlePem },
    });
    expect(kinds.indexOf('ConfigMap')).toBeLessThan(kinds.indexOf('Deployment'));
    const env = documents.find((d) => d.kind === 'Deployment').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'MESHWARD_TAP_CA_BUNDLE',
      valueFrom: { configMapKeyRef: { name: 'meshward-ca', key: 'ca.crt' } },
    });
    const without = installManifests(
      parseInstallOptions({ endpoint: 'https://m.example.com', inCluster: true }),
    );
    expect(without.some((d) => d.kind === 'ConfigMap')).toBe(false);
  });

  it('renders YAML that parses and validates against the Kubernetes schemas, every object once', () => {
    const documents = parseAllDocuments(renderInstall(options)).map((doc) => doc.toJS());
    expect(documents.length).toBe(installManifests(options).length);
    const keys = documents.map((d) => `${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const document of documents) {
      const Model = models[document.kind];
      expect(Model, `no schema model for ${document.kind}`).toBeDefined();
      expect(
        () => new (Model as any)(document).validate(),
        `${document.kind} ${document.metadata.name}`,
      ).not.toThrow();
    }
  });

  it('points webhooks behind the secret path, excludes kube-system and meshward, and stays fail-open by default', () => {
    const documents = installManifests(options) as any[];
    const mutating = documents.find((d) => d.kind === 'MutatingWebhookConfiguration');
    const validating = documents.find((d) => d.kind === 'ValidatingWebhookConfiguration');
    for (const webhook of [...mutating.webhooks, ...validating.webhooks]) {
      expect(webhook.clientConfig.url).toMatch(
        /^https:\/\/meshward\.example\.com\/Zr4xK9qLm2Vn7Wt5\/admission\//,
      );
      expect(webhook.failurePolicy).toBe('Ignore');
      expect(webhook.timeoutSeconds).toBeLessThan(10);
      const excluded = webhook.namespaceSelector.matchExpressions.find(
        (e: any) => e.key === 'kubernetes.io/metadata.name',
      );
      expect(excluded).toEqual({
        key: 'kubernetes.io/metadata.name',
        operator: 'NotIn',
        values: ['kube-system', 'meshward'],
      });
    }
    expect(mutating.webhooks.map((w: any) => w.reinvocationPolicy)).toEqual(['IfNeeded', 'IfNeeded']);
    expect(mutating.webhooks[0].clientConfig.url).toMatch(/\/admission\/mutate\/namespace$/);
    expect(Buffer.from(mutating.webhooks[0].clientConfig.caBundle, 'base64').toString()).toContain(
      'BEGIN CERTIFICATE',
    );
  });

  it('rejects bad options with every problem named, through the CLI', async () => {
    const errors: string[] = [];
    const code = await main(['install', '--endpoint', 'http://plain.example', '--secret', 'short'], {
      stdout: () => {},
      stderr: (text) => errors.push(text),
    });
    expect(code).toBe(2);
    expect(errors.join('')).toMatch(/endpoint: must be an https/);
    expect(errors.join('')).toMatch(/webhookPathSecret/);
  });
});
