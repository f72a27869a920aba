/** The demo application: Bookinfo's pods (with the identity a tap would read), its external services and call graph. */

export type DemoPod = {
  namespace: string;
  name: string;
  uid: string;
  ip: string;
  labels: Record<string, string>;
  serviceAccount: string;
  owner: { kind: string; name: string };
  /** The role `bookinfo-service.ts` plays in this pod, or the real server it runs. */
  runs: string;
  env?: Record<string, string>;
};

export type DemoExternal = { name: string; ip: string; runs: string };

/** An edge of the true call graph, group → group (or FQDN), as the service code makes it. */
export type DemoCall = { from: string; to: string; port: number; protocol: string };

const ns = 'bookinfo';

const deployment = (app: string, version: string, ip: string, hash: string, suffix: string, uid: string) => {
  const name = `${app}-${version}`;
  return {
    namespace: ns,
    name: `${name}-${hash}-${suffix}`,
    uid,
    ip,
    labels: { app, version, 'pod-template-hash': hash },
    serviceAccount: `bookinfo-${app}`,
    owner: { kind: 'ReplicaSet', name: `${name}-${hash}` },
    runs: app,
  };
};

export const demoPods: DemoPod[] = [
  {
    namespace: 'kube-system',
    name: 'coredns-5d78c9869d-tqz7b',
    uid: '6f1c2a9e-3b1d-4c59-9a51-0c2f7d9e1a10',
    ip: '10.244.1.10',
    labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '5d78c9869d' },
    serviceAccount: 'coredns',
    owner: { kind: 'ReplicaSet', name: 'coredns-5d78c9869d' },
    runs: 'dnsmasq',
  },
  deployment(
    'productpage',
    'v1',
    '10.244.1.11',
    '7d6cfb7dfd',
    'k9x2m',
    'a3d2b7c4-1e5f-4a6b-8c9d-0e1f2a3b4c11',
  ),
  deployment('details', 'v1', '10.244.1.12', '6d8bc4d6c5', 'qwz4t', 'b4e3c8d5-2f6a-4b7c-9d0e-1f2a3b4c5d12'),
  {
    ...deployment(
      'reviews',
      'v1',
      '10.244.1.13',
      '5c5b8c7f4b',
      'rl8fh',
      'c5f4d9e6-3a7b-4c8d-8e1f-2a3b4c5d6e13',
    ),
    env: { VERSION: 'v1' },
  },
  {
    ...deployment(
      'reviews',
      'v2',
      '10.244.1.14',
      '7f9c6cd8bd',
      'mn2wp',
      'd6a5e0f7-4b8c-4d9e-9f2a-3b4c5d6e7f14',
    ),
    env: { VERSION: 'v2' },
  },
  {
    ...deployment(
      'reviews',
      'v3',
      '10.244.1.15',
      '6b9cc5f87c',
      'zt7xq',
      'e7b6f1a8-5c9d-4e0f-8a3b-4c5d6e7f8a15',
    ),
    env: { VERSION: 'v3' },
  },
  deployment('ratings', 'v1', '10.244.1.16', '85c7d8d8b8', 'bh6vd', 'f8c7a2b9-6d0e-4f1a-9b4c-5d6e7f8a9b16'),
  {
    namespace: ns,
    name: 'redis-0',
    uid: '09d8b3ca-7e1f-4a2b-8c5d-6e7f8a9b0c17',
    ip: '10.244.1.17',
    labels: { app: 'redis', 'statefulset.kubernetes.io/pod-name': 'redis-0' },
    serviceAccount: 'default',
    owner: { kind: 'StatefulSet', name: 'redis' },
    runs: 'redis-server',
  },
  {
    ...deployment(
      'loadgenerator',
      'v1',
      '10.244.1.20',
      '6f5d4c7b9d',
      'p4k8s',
      '1a9e4cdb-8f2a-4b3c-9d6e-7f8a9b0c1d20',
    ),
    serviceAccount: 'default',
  },
];

export const demoExternals: DemoExternal[] = [
  { name: 'www.googleapis.com', ip: '203.0.113.10', runs: 'googleapis' },
  { name: 'statsd.example.net', ip: '203.0.113.20', runs: 'statsd' },
];

const g = (name: string) => `${ns}/${name}`;

/** What the code in bookinfo-service.ts calls (DNS to coredns from every pod that resolves a name). */
export const demoCallGraph: DemoCall[] = [
  { from: g('loadgenerator-v1'), to: g('productpage-v1'), port: 9080, protocol: 'http' },
  { from: g('productpage-v1'), to: g('details-v1'), port: 9080, protocol: 'http' },
  { from: g('productpage-v1'), to: g('reviews-v1'), port: 9080, protocol: 'http' },
  { from: g('productpage-v1'), to: g('reviews-v2'), port: 9080, protocol: 'http' },
  { from: g('productpage-v1'), to: g('reviews-v3'), port: 9080, protocol: 'http' },
  { from: g('reviews-v2'), to: g('ratings-v1'), port: 9080, protocol: 'http' },
  { from: g('reviews-v3'), to: g('ratings-v1'), port: 9090, protocol: 'grpc' },
  { from: g('ratings-v1'), to: g('redis'), port: 6379, protocol: 'redis' },
  { from: g('details-v1'), to: 'fqdn:www.googleapis.com', port: 443, protocol: 'tls' },
  { from: g('productpage-v1'), to: 'fqdn:statsd.example.net', port: 8125, protocol: 'statsd' },
  ...['loadgenerator-v1', 'productpage-v1', 'details-v1', 'reviews-v2', 'reviews-v3', 'ratings-v1'].map(
    (name) => ({ from: g(name), to: 'kube-system/coredns', port: 53, protocol: 'dns' }),
  ),
];

/** The incident after the baseline: an attack on productpage, and details calling ratings (off the call graph). */
export const demoIncident = {
  attack: { from: 'loadgenerator', path: '/productpage?u=1%27%20OR%20%271%27%3D%271%27%20--%20' },
  offGraph: { from: g('details-v1'), to: g('ratings-v1'), port: 9080, path: '/ratings/0' },
  /** The group the demo switches to monitor after the baseline, as an operator would. */
  monitor: g('details-v1'),
};
