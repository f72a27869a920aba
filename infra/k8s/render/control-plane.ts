/** The in-cluster control plane: `meshward serve` as a Deployment with a volume for its SQLite store. */
import type { InstallOptions } from './install-options.ts';

/** Holds `--ca-bundle`: the CA of the control plane's TLS certificate, for injected taps. */
export const caConfigMapName = 'meshward-ca';

const labels = { 'app.kubernetes.io/name': 'meshward', 'app.kubernetes.io/component': 'control-plane' };

export const controlPlaneManifests = (options: InstallOptions) => [
  {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'meshward', namespace: options.namespace, labels },
  },
  // Before the Deployment that reads it.
  ...(options.caBundlePem === undefined
    ? []
    : [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: caConfigMapName, namespace: options.namespace, labels },
          data: { 'ca.crt': options.caBundlePem },
        },
      ]),
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'meshward-data', namespace: options.namespace, labels },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'meshward', namespace: options.namespace, labels },
    spec: {
      // One replica: the embedded store is a SQLite file. Scale out on AWS (DynamoDB) instead.
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: 'meshward',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            fsGroup: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'meshward',
              image: options.image,
              args: ['serve', '--host', '0.0.0.0', '--port', '8443', '--data', '/var/lib/meshward'],
              env: [
                { name: 'MESHWARD_NAMESPACE', value: options.namespace },
                // The CA injected taps trust for this control plane (the webhook passes it on to them).
                ...(options.caBundlePem === undefined
                  ? []
                  : [
                      {
                        name: 'MESHWARD_TAP_CA_BUNDLE',
                        valueFrom: { configMapKeyRef: { name: caConfigMapName, key: 'ca.crt' } },
                      },
                    ]),
                ...(options.webhookPathSecret === undefined
                  ? []
                  : [
                      {
                        name: 'MESHWARD_WEBHOOK_PATH_SECRET',
                        valueFrom: { secretKeyRef: { name: 'meshward-webhook', key: 'path-secret' } },
                      },
                    ]),
              ],
              ports: [{ name: 'https', containerPort: 8443 }],
              readinessProbe: { httpGet: { path: '/readyz', port: 8443, scheme: 'HTTPS' }, periodSeconds: 5 },
              livenessProbe: {
                httpGet: { path: '/healthz', port: 8443, scheme: 'HTTPS' },
                periodSeconds: 20,
              },
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/meshward' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'data', persistentVolumeClaim: { claimName: 'meshward-data' } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'meshward', namespace: options.namespace, labels },
    spec: { selector: labels, ports: [{ name: 'https', port: 8443, targetPort: 'https' }] },
  },
  ...(options.webhookPathSecret === undefined
    ? []
    : [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'meshward-webhook', namespace: options.namespace, labels },
          type: 'Opaque',
          stringData: { 'path-secret': options.webhookPathSecret },
        },
      ]),
];
