/** Holds detector state: one per flow for flow-scoped detectors (bounded, dropped at flow end), one global otherwise. */
import type { Threat } from '../threat.ts';
import { boundedMap } from './bounded-map.ts';

export type DetectorStates = {
  // biome-ignore lint/suspicious/noExplicitAny: any detector.
  of(threat: Threat<any, any>, flowKey: string | undefined): unknown;
  endFlow(flowKey: string): void;
};

export const detectorStates = (maxFlows: number): DetectorStates => {
  const perFlow = boundedMap<Map<string, unknown>>(maxFlows);
  const global = new Map<string, unknown>();
  return {
    of(threat, flowKey) {
      const states =
        threat.scope === 'global' || flowKey === undefined
          ? global
          : perFlow.upsert(flowKey, () => new Map());
      if (!states.has(threat.id)) states.set(threat.id, threat.initialState());
      return states.get(threat.id);
    },
    endFlow: (flowKey) => perFlow.delete(flowKey),
  };
};
