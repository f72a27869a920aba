/** The observers `meshward inspect` and the tap attach to the engine by default (threat detection registers here). */
import type { EngineObserver } from '../engine-observer.ts';
import type { TrustedProxies } from '../protocols/trusted-proxies.ts';
import { createThreatRunner } from '../threats/runner.ts';

export type DefaultObserverOptions = {
  /** Proxies whose forwarding headers are read a hop further (ADR 28). */
  trustedProxies?: TrustedProxies;
};

export const defaultObservers = (options: DefaultObserverOptions = {}): EngineObserver[] => [
  createThreatRunner(options.trustedProxies === undefined ? {} : { trustedProxies: options.trustedProxies }),
];
