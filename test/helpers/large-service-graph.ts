/**
 * 500 services in 10 namespaces, each calling three others (1500 edges), for the dashboard at scale; and what its
 * namespace filter must show of them, worked out from the same calls.
 */
import type { Rule } from '#core/rule.ts';
import type { Store } from '#functions/platform/store/store.ts';
import { group, rule } from './dashboard-records.ts';

const services = Array.from({ length: 500 }, (_, i) => `ns${i % 10}/svc-${String(i).padStart(3, '0')}`);
const steps = [1, 7, 31];
const protocols: Rule['protocol'][] = ['http', 'grpc', 'tls'];

/** Service i calls services i + 1, i + 7 and i + 31 (modulo 500), on ports 8080 to 8082. */
const calls = services.flatMap((from, i) =>
  steps.map((step, j) => ({ from, to: services[(i + step) % services.length] ?? from, j })),
);

/** Every service, in name order (the order the dashboard lists them in), and the number of calls between them. */
export const largeGraph = { services: [...services].sort(), edges: calls.length };

export const seedLargeGraph = async (store: Store): Promise<void> => {
  for (const key of services) {
    const [namespace = '', name = ''] = key.split('/');
    await store.putGroup(group(namespace, name));
  }
  await store.putRules(calls.map(({ from, to, j }) => rule(from, to, 8080 + j, protocols[j] ?? 'http')));
};

/** With one namespace chosen: its services and every service one of them calls or is called by, and those calls. */
export const largeGraphInNamespace = (namespace: string): { services: string[]; edges: number } => {
  const inside = (key: string) => key.startsWith(`${namespace}/`);
  const shown = calls.filter(({ from, to }) => inside(from) || inside(to));
  const keys = new Set([...services.filter(inside), ...shown.flatMap(({ from, to }) => [from, to])]);
  return { services: [...keys].sort(), edges: shown.length };
};
