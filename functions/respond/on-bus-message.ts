/** Respond's consumer of the bus: a stored batch (its threats and other findings) or the violations learn raised. */
import type { BusMessage } from '#functions/platform/bus/bus.ts';
import type { Store } from '#functions/platform/store/store.ts';
import { type BatchResponse, respondOnBatch } from './on-batch-message.ts';
import { respondOnViolations } from './on-violations-message.ts';
import type { RespondDeps } from './respond-deps.ts';

export const respondOnBusMessage = (
  message: BusMessage,
  store: Pick<Store, 'listFindings' | 'getFinding' | 'getPod' | 'getGroup'>,
  deps: RespondDeps,
  now: string,
): Promise<BatchResponse> =>
  message.type === 'batch'
    ? respondOnBatch(message, store, deps, now)
    : respondOnViolations(message, store, deps, now);
