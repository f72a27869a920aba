/** The annotation fallback channel: hands each signed command found in the pod's annotations over once. */
import { annotationCommands } from '../commands/annotation-commands.ts';
import type { CommandOutcome } from './command-dispatch.ts';

/** The annotation fallback: each token is handled once (the annotation is re-read on every pod update). */
export const annotationInbox = (handle: (tokens: readonly string[]) => Promise<CommandOutcome[]>) => {
  const seen = new Set<string>();
  return (annotations: Record<string, string>) => {
    const fresh = annotationCommands(annotations).filter((token) => !seen.has(token));
    if (fresh.length === 0) return;
    if (seen.size > 4096) seen.clear();
    for (const token of fresh) seen.add(token);
    void handle(fresh);
  };
};
