/** Test helper: protocol events as one readable line each (`C USER alice`, `S login refused sasl alice`, `data ...`). */
import type { DbAuthEvent, ExpectedFlowEvent, OperationEvent } from '#sidecar/events.ts';

export const eventLines = (events: unknown[]): string[] =>
  (events as (OperationEvent | DbAuthEvent | ExpectedFlowEvent)[]).map((e) => {
    if (e.kind === 'expected-flow')
      return `data ${e.listener} listens on ${e.ip ?? '(control address)'} ${e.port}`;
    if (e.kind === 'db-auth')
      return ['S login', e.ok ? 'ok' : 'refused', e.method, e.user].filter(Boolean).join(' ');
    return `${e.direction === 'to-server' ? 'C' : 'S'} ${e.operation} ${e.detail ?? ''}`.trim();
  });
