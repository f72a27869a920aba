/** When a pod's tap is not polling ingest, also writes its signed command into the pod's commands annotation. */
import type { ActionDeps } from './action-deps.ts';
import { commandsAnnotation, isTapSilent, withCommand } from './command-annotation.ts';

export type CommandPod = { namespace: string; name: string; uid: string };

/** Another writer can move the pod between our read and our patch: read again and retry this often. */
const maxAttempts = 3;

const write = async (deps: Pick<ActionDeps, 'kube' | 'now'>, pod: CommandPod, token: string) => {
  const nowSeconds = Math.floor(Date.parse(deps.now()) / 1000);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const current = await deps.kube.getPod(pod.namespace, pod.name);
    if (current === undefined || current.metadata?.uid !== pod.uid) return 'not-found';
    const value = withCommand(current.metadata?.annotations?.[commandsAnnotation], token, nowSeconds);
    // resourceVersion makes the merge patch conditional: a concurrent append is never overwritten.
    const patch = {
      metadata: {
        resourceVersion: current.metadata?.resourceVersion,
        annotations: { [commandsAnnotation]: value },
      },
    };
    const result = await deps.kube.patchPod(pod.namespace, pod.name, patch, 'merge');
    if (result !== 'conflict') return typeof result === 'string' ? result : 'written';
  }
  return 'conflict';
};

/**
 * Undefined when the tap polls ingest (it takes the command with its next batch); otherwise a note on what the
 * fallback did. The command stays queued for ingest either way: whichever channel the tap reads first wins, and
 * its replay cache refuses the other copy.
 */
export const deliverByAnnotation = async (
  deps: Pick<ActionDeps, 'kube' | 'now' | 'tapLastSeen'>,
  pod: CommandPod,
  token: string,
): Promise<string | undefined> => {
  const lastSeen = await deps.tapLastSeen(pod.uid);
  if (!isTapSilent(lastSeen, deps.now())) return undefined;
  const silent = lastSeen === undefined ? 'has never reported' : `has not reported since ${lastSeen}`;
  // The command is queued for ingest already: an API server that is away costs the fallback, not the command.
  const outcome = await write(deps, pod, token).catch((error: unknown) =>
    error instanceof Error ? error : new Error(String(error)),
  );
  if (outcome instanceof Error)
    return `the tap ${silent}, and the command annotation could not be written: ${outcome.message}`;
  if (outcome === 'written')
    return `the tap ${silent}: command also written to the pod annotation ${commandsAnnotation}`;
  if (outcome === 'not-found') return `the tap ${silent} and the pod is gone: no annotation written`;
  return `the tap ${silent}, and the pod kept changing: the command annotation could not be written`;
};
