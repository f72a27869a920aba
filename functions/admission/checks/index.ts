/** Every built-in policy check; a policy file names one by id. Adding a check is one file and one line here. */
import { allowPrivilegeEscalation } from './allow-privilege-escalation.ts';
import { allowedRegistries } from './allowed-registries.ts';
import { appArmorProfile } from './app-armor-profile.ts';
import { automountServiceAccountToken } from './automount-service-account-token.ts';
import { capabilitiesBaseline } from './capabilities-baseline.ts';
import { capabilitiesRestricted } from './capabilities-restricted.ts';
import type { Check } from './check.ts';
import { hostNamespaces } from './host-namespaces.ts';
import { hostPathVolumes } from './host-path-volumes.ts';
import { hostPorts } from './host-ports.ts';
import { hostProbesAndHostLifecycle } from './host-probes-and-host-lifecycle.ts';
import { imageDigest } from './image-digest.ts';
import { imagePullPolicy } from './image-pull-policy.ts';
import { imageTag } from './image-tag.ts';
import { noDefaultNamespace } from './no-default-namespace.ts';
import { privileged } from './privileged.ts';
import { probes } from './probes.ts';
import { procMount } from './proc-mount.ts';
import { procMountRestricted } from './proc-mount-restricted.ts';
import { readOnlyRootFilesystem } from './read-only-root-filesystem.ts';
import { requiredLabels } from './required-labels.ts';
import { resources } from './resources.ts';
import { restrictedVolumes } from './restricted-volumes.ts';
import { runAsNonRoot } from './run-as-non-root.ts';
import { runAsUser } from './run-as-user.ts';
import { runtimeSocketMounts } from './runtime-socket-mounts.ts';
import { seLinuxOptions } from './se-linux-options.ts';
import { seccompProfileBaseline } from './seccomp-profile-baseline.ts';
import { seccompProfileRestricted } from './seccomp-profile-restricted.ts';
import { secretsInEnv } from './secrets-in-env.ts';
import { serviceType } from './service-type.ts';
import { sysctls } from './sysctls.ts';
import { tapRequired } from './tap-required.ts';
import { windowsHostProcess } from './windows-host-process.ts';

export const checks: readonly Check[] = [
  // Pod Security Standards, baseline
  windowsHostProcess,
  hostNamespaces,
  privileged,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  appArmorProfile,
  seLinuxOptions,
  procMount,
  seccompProfileBaseline,
  sysctls,
  hostProbesAndHostLifecycle,
  // Pod Security Standards, restricted
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  capabilitiesRestricted,
  procMountRestricted,
  // meshward
  allowedRegistries,
  imageTag,
  imageDigest,
  imagePullPolicy,
  resources,
  probes,
  requiredLabels,
  noDefaultNamespace,
  serviceType,
  automountServiceAccountToken,
  readOnlyRootFilesystem,
  runtimeSocketMounts,
  secretsInEnv,
  tapRequired,
];

export const checkById = (id: string): Check | undefined => checks.find((check) => check.id === id);
