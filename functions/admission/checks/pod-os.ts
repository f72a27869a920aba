/** Pod facts several Pod Security checks branch on: a Windows pod, a pod in its own user namespace. */
import { asObject } from './fields.ts';
import type { PodView } from './pod-view.ts';

/** `spec.os.name: windows` — from v1.25 PSA exempts such pods from Linux-only restricted checks. */
export const isWindowsPod = (view: PodView): boolean => asObject(view.spec.os).name === 'windows';

/** `spec.hostUsers: false` — KEP-127: root in a user namespace is not root on the host (PSA v1.35+). */
export const usesUserNamespace = (view: PodView): boolean => view.spec.hostUsers === false;
