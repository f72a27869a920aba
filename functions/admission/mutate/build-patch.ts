/** Builds the RFC 6902 JSON Patch that injects the tap into a Pod, with RFC 6901 escaped paths. */
import type { Config } from '#core/config.ts';
import { AppError } from '#core/errors.ts';
import { statusAnnotation, tapContainerName } from './injection-decision.ts';
import { pointer } from './json-pointer.ts';
import { withJsonText } from './patch-json.ts';
import type { PodView } from './pod-view.ts';
import { tapContainer, tapPodVolumes } from './tap-container.ts';

export type PatchOperation =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown };

/** Mesh containers the tap goes after, so it never runs before the mesh's own init steps. */
const meshContainers = new Set([
  'istio-init',
  'istio-validation',
  'istio-proxy',
  'linkerd-init',
  'linkerd-network-validator',
  'linkerd-proxy',
]);

export const meshExclusionAnnotations = [
  'traffic.sidecar.istio.io/excludeOutboundPorts',
  'config.linkerd.io/skip-outbound-ports',
] as const;

export const supportsNativeSidecar = (config: Config): boolean => config.inject.kubernetesMinor >= 29;

/** What the patch adds that depends on the configuration only, built (and serialized) once per configuration. */
type TapParts = {
  container: Record<string, unknown>;
  containerList: Record<string, unknown>[];
  volumes: Record<string, unknown>[];
  status: string;
};

const tapPartsByConfig = new WeakMap<Config, TapParts>();

const tapParts = (config: Config): TapParts => {
  const cached = tapPartsByConfig.get(config);
  if (cached !== undefined) return cached;
  const native = supportsNativeSidecar(config);
  const container = withJsonText(tapContainer(config, native));
  const volumes = tapPodVolumes(config).map(withJsonText);
  const status = JSON.stringify({
    version: 1,
    container: tapContainerName,
    native,
    volumes: volumes.map((v) => v.name),
  });
  const parts = {
    container,
    containerList: withJsonText([container]),
    volumes: withJsonText(volumes),
    status,
  };
  tapPartsByConfig.set(config, parts);
  return parts;
};

/** Where the native tap goes among existing init containers: right after the last mesh container. */
export const nativeTapSlot = (inits: readonly { name: string }[]): number | '-' => {
  const index = inits.findLastIndex((init) => meshContainers.has(init.name)) + 1;
  return index >= inits.length ? '-' : index;
};

/** The first of the tap's volumes whose name the pod already uses, if any: the patch cannot add it. */
export const tapVolumeClash = (existing: readonly { name: string }[], config: Config): string | undefined => {
  for (const volume of tapParts(config).volumes) {
    const name = String(volume.name);
    if (existing.some((taken) => taken.name === name)) return name;
  }
  return undefined;
};

const containerOps = (pod: PodView, config: Config): PatchOperation[] => {
  const { container, containerList } = tapParts(config);
  if (!supportsNativeSidecar(config)) {
    return [{ op: 'add', path: pointer('spec', 'containers', '-'), value: container }];
  }
  const inits = pod.spec.initContainers;
  if (inits === undefined)
    return [{ op: 'add', path: pointer('spec', 'initContainers'), value: containerList }];
  return [{ op: 'add', path: pointer('spec', 'initContainers', nativeTapSlot(inits)), value: container }];
};

const volumeOps = (pod: PodView, config: Config): PatchOperation[] => {
  const { volumes } = tapParts(config);
  const existing = pod.spec.volumes;
  if (existing === undefined) return [{ op: 'add', path: pointer('spec', 'volumes'), value: volumes }];
  const clash = tapVolumeClash(existing, config);
  if (clash !== undefined) throw new AppError('conflict', `the pod already has a volume named ${clash}`);
  return volumes.map((value) => ({ op: 'add', path: pointer('spec', 'volumes', '-'), value }));
};

/** Appends the port to a comma-separated list, keeping what is there and never duplicating. */
export const appendPort = (existing: string | undefined, port: number): string => {
  const parts = (existing ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return parts.includes(String(port)) ? parts.join(',') : [...parts, String(port)].join(',');
};

/** The annotations the patch writes are always these; their escaped paths are made once. */
const annotationPaths = new Map(
  [statusAnnotation, ...meshExclusionAnnotations].map((key) => [
    key,
    pointer('metadata', 'annotations', key),
  ]),
);

const annotationOps = (pod: PodView, config: Config): PatchOperation[] => {
  const wanted: Record<string, string> = { [statusAnnotation]: tapParts(config).status };
  const existing = pod.metadata.annotations;
  const port = config.inject.egressPort;
  if (port !== undefined) {
    for (const key of meshExclusionAnnotations) wanted[key] = appendPort(existing?.[key], port);
  }
  if (existing === undefined) return [{ op: 'add', path: pointer('metadata', 'annotations'), value: wanted }];
  return Object.entries(wanted)
    .filter(([key, value]) => existing[key] !== value)
    .map(([key, value]) => ({
      op: key in existing ? ('replace' as const) : ('add' as const),
      path: annotationPaths.get(key) ?? pointer('metadata', 'annotations', key),
      value,
    }));
};

export const buildInjectionPatch = (pod: PodView, config: Config): PatchOperation[] => [
  ...containerOps(pod, config),
  ...volumeOps(pod, config),
  ...annotationOps(pod, config),
];
