/**
 * The injection patch (base64 JSON Patch text) kept per configuration and pod shape. Replicas of one workload
 * differ in names, uids and generated volume names, none of which the patch reads, so a cluster mostly asks for
 * patches it has built before. The key holds exactly what `buildInjectionPatch` reads from the pod: where the
 * native tap goes among the init containers, whether the pod has volumes (and annotations), and the values of
 * the annotations the patch writes.
 */
import type { Config } from '#core/config.ts';
import {
  buildInjectionPatch,
  meshExclusionAnnotations,
  nativeTapSlot,
  supportsNativeSidecar,
  tapVolumeClash,
} from './build-patch.ts';
import { statusAnnotation } from './injection-decision.ts';
import { patchJson } from './patch-json.ts';
import type { PodView } from './pod-view.ts';

/**
 * A workload's pods share one shape (a few per mesh and annotation set), so this holds many workloads' shapes;
 * bounded (oldest out first) so pods with ever-new annotation values cannot grow it.
 */
const maxEntries = 512;
/** Annotation values are user data: a long one is not worth keeping. */
const maxKeyLength = 512;

const patchesByConfig = new WeakMap<Config, Map<string, string>>();

const containerKey = (pod: PodView, config: Config): string => {
  // A regular container is appended last, whatever the pod has.
  if (!supportsNativeSidecar(config)) return '';
  const inits = pod.spec.initContainers;
  return inits === undefined ? 'none' : String(nativeTapSlot(inits));
};

const annotationKey = (pod: PodView, config: Config): string => {
  const existing = pod.metadata.annotations;
  if (existing === undefined) return 'none';
  // JSON strings are self-delimiting; '-' (absent) and 'undefined' (present, undefined) are neither.
  let key = statusAnnotation in existing ? `${JSON.stringify(existing[statusAnnotation])}` : '-';
  if (config.inject.egressPort === undefined) return key;
  for (const name of meshExclusionAnnotations) {
    key += name in existing ? `,${JSON.stringify(existing[name])}` : ',-';
  }
  return key;
};

/**
 * Two pods with the same key get the same patch under one configuration; `undefined` for pods whose patch is not
 * kept (a volume named like the tap's, which fails).
 */
export const patchKey = (pod: PodView, config: Config): string | undefined => {
  const volumes = pod.spec.volumes;
  if (volumes !== undefined && tapVolumeClash(volumes, config) !== undefined) return undefined;
  const key = `${containerKey(pod, config)}|${volumes === undefined ? 'none' : 'some'}|${annotationKey(pod, config)}`;
  return key.length > maxKeyLength ? undefined : key;
};

const encode = (pod: PodView, config: Config): string =>
  Buffer.from(patchJson(buildInjectionPatch(pod, config))).toString('base64');

/** The base64 patch that injects the tap: `buildInjectionPatch`'s, serialized, from the cache when it can be. */
export const injectionPatch = (pod: PodView, config: Config): string => {
  const key = patchKey(pod, config);
  if (key === undefined) return encode(pod, config);
  let patches = patchesByConfig.get(config);
  if (patches === undefined) {
    patches = new Map();
    patchesByConfig.set(config, patches);
  }
  const cached = patches.get(key);
  if (cached !== undefined) return cached;
  const patch = encode(pod, config);
  if (patches.size >= maxEntries) patches.delete(patches.keys().next().value as string);
  patches.set(key, patch);
  return patch;
};
