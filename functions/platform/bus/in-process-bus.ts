/** The local bus: delivers messages to subscribers one at a time, in order, so learning never races itself. */
import type { Bus, BusHandler, BusMessage } from './bus.ts';

export type InProcessBus = Bus & {
  subscribe(handler: BusHandler): void;
  /** Resolves once every message published so far has been handled, including those its handlers published. */
  idle(): Promise<void>;
  /** Messages a subscriber threw on (they are logged by `onError` and not retried). */
  failures(): number;
};

export const createInProcessBus = (
  onError: (error: unknown, message: BusMessage) => void = () => {},
): InProcessBus => {
  const handlers: BusHandler[] = [];
  let tail: Promise<void> = Promise.resolve();
  let failed = 0;
  const deliver = async (message: BusMessage) => {
    for (const handler of handlers) {
      try {
        await handler(message);
      } catch (error) {
        failed += 1;
        onError(error, message);
      }
    }
  };
  return {
    publish: async (message) => {
      tail = tail.then(() => deliver(message));
    },
    subscribe: (handler) => {
      handlers.push(handler);
    },
    // Learn publishes violations while handling a batch: wait until no handler has queued anything more.
    idle: async () => {
      let seen: Promise<void>;
      do {
        seen = tail;
        await seen;
      } while (seen !== tail);
    },
    failures: () => failed,
  };
};
