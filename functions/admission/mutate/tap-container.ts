/** The tap container and its volumes, as the injector adds them to a Pod. */
import type { Config } from '#core/config.ts';
import { tapContainerName } from './injection-decision.ts';

export const tapVolumes = {
  podinfo: 'meshward-podinfo',
  token: 'meshward-token',
  scratch: 'meshward-scratch',
} as const;
export const podinfoPath = '/etc/meshward/podinfo';
export const tokenPath = '/var/run/secrets/meshward/token';

const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });

export const tapContainer = (config: Config, native: boolean): Record<string, unknown> => ({
  name: tapContainerName,
  image: config.inject.image,
  imagePullPolicy: config.inject.imagePullPolicy,
  args: ['tap'],
  ...(native ? { restartPolicy: 'Always' } : {}),
  env: [
    fieldEnv('MESHWARD_POD_NAME', 'metadata.name'),
    fieldEnv('MESHWARD_POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('MESHWARD_POD_UID', 'metadata.uid'),
    fieldEnv('MESHWARD_POD_IP', 'status.podIP'),
    fieldEnv('MESHWARD_POD_IPS', 'status.podIPs'),
    fieldEnv('MESHWARD_NODE_NAME', 'spec.nodeName'),
    fieldEnv('MESHWARD_SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    { name: 'MESHWARD_CONTROL_PLANE_URL', value: config.controlPlaneUrl },
    { name: 'MESHWARD_MODE', value: config.inject.mode },
    { name: 'MESHWARD_TOKEN_PATH', value: `${tokenPath}/token` },
    { name: 'MESHWARD_PODINFO_DIR', value: podinfoPath },
    { name: 'MESHWARD_COMMAND_JWKS_URL', value: `${config.controlPlaneUrl}/keys/commands` },
    fieldEnv('MESHWARD_HOST_IP', 'status.hostIP'),
    ...(config.inject.trustedProxies.length === 0
      ? []
      : [{ name: 'MESHWARD_TRUSTED_PROXIES', value: config.inject.trustedProxies.join(',') }]),
    ...(config.inject.forwardedHeader === undefined
      ? []
      : [{ name: 'MESHWARD_FORWARDED_HEADER', value: config.inject.forwardedHeader }]),
    // Inline, not a ConfigMap volume: a pod can only mount ConfigMaps of its own namespace.
    ...(config.inject.caBundle === undefined
      ? []
      : [{ name: 'MESHWARD_CA_PEM', value: config.inject.caBundle }]),
  ],
  resources: {
    requests: { cpu: config.inject.cpuRequest, memory: config.inject.memoryRequest },
    limits: { cpu: config.inject.cpuLimit, memory: config.inject.memoryLimit },
  },
  // Kubernetes gives capabilities only to root processes (no ambient capabilities), so the tap runs
  // as uid 0 with every capability dropped but NET_RAW and NET_ADMIN (capture, iptables) and SETUID
  // and SETGID (Debian's tcpdump drops root to its own user and exits if it cannot), read-only root.
  securityContext: {
    runAsUser: 0,
    runAsNonRoot: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ['ALL'], add: ['NET_RAW', 'NET_ADMIN', 'SETUID', 'SETGID'] },
  },
  ports: [{ name: 'meshward-metrics', containerPort: 15090, protocol: 'TCP' }],
  readinessProbe: { httpGet: { path: '/readyz', port: 15090 }, periodSeconds: 10 },
  livenessProbe: { httpGet: { path: '/healthz', port: 15090 }, periodSeconds: 20, failureThreshold: 3 },
  volumeMounts: [
    { name: tapVolumes.podinfo, mountPath: podinfoPath, readOnly: true },
    { name: tapVolumes.token, mountPath: tokenPath, readOnly: true },
    { name: tapVolumes.scratch, mountPath: '/tmp' },
  ],
});

export const tapPodVolumes = (config: Config): Record<string, unknown>[] => [
  {
    name: tapVolumes.podinfo,
    downwardAPI: {
      items: [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
      ],
    },
  },
  {
    name: tapVolumes.token,
    projected: {
      sources: [
        {
          serviceAccountToken: {
            audience: 'meshward',
            expirationSeconds: config.inject.tokenExpirationSeconds,
            path: 'token',
          },
        },
      ],
    },
  },
  { name: tapVolumes.scratch, emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
];
