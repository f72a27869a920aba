/** Decides whether a Pod gets the tap: opt-in and opt-out by label or annotation, hard exclusions. */
import type { Config } from '#core/config.ts';
import type { PodView } from './pod-view.ts';

export const injectKey = 'meshward.io/inject';
export const statusAnnotation = 'meshward.io/status';
export const tapContainerName = 'meshward-tap';

export type InjectionDecision =
  | { inject: true; reason: string }
  | { inject: false; reason: string; warning?: string; alreadyInjected?: boolean };

const isTap = (container: { name: string }): boolean => container.name === tapContainerName;

const alreadyInjected = (pod: PodView): boolean =>
  pod.metadata.annotations?.[statusAnnotation] !== undefined ||
  pod.spec.containers.some(isTap) ||
  (pod.spec.initContainers?.some(isTap) ?? false);

/**
 * `namespaceOptedIn` is true when the request came through the webhook entry whose namespaceSelector
 * matches `meshward.io/inject=enabled`: the API server, not the review, knows namespace labels.
 */
export const decideInjection = (
  pod: PodView,
  namespace: string,
  namespaceOptedIn: boolean,
  config: Config,
): InjectionDecision => {
  const label = pod.metadata.labels?.[injectKey];
  const annotation = pod.metadata.annotations?.[injectKey];
  if (label === 'false' || annotation === 'false') return { inject: false, reason: 'pod opted out' };
  if (namespace === 'kube-system' || namespace === config.namespace) {
    const warning = `meshward: not injecting the tap into namespace ${namespace}: meshward never taps kube-system or its own namespace`;
    return { inject: false, reason: 'excluded namespace', warning };
  }
  if (pod.spec.hostNetwork === true) {
    const warning =
      'meshward: not injecting the tap into a hostNetwork pod: it would capture the whole node, not this pod';
    return { inject: false, reason: 'host network', warning };
  }
  if (alreadyInjected(pod)) return { inject: false, reason: 'already injected', alreadyInjected: true };
  if (label === 'true' || annotation === 'true') return { inject: true, reason: 'pod opted in' };
  if (namespaceOptedIn) return { inject: true, reason: 'namespace opted in' };
  if (config.inject.default) return { inject: true, reason: 'injection enabled by default' };
  return { inject: false, reason: 'not opted in' };
};
