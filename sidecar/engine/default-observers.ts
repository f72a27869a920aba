/** The observers `meshward inspect` and the tap attach to the engine by default (threat detection registers here). */
import type { EngineObserver } from '../engine-observer.ts';
import { createThreatRunner } from '../threats/runner.ts';

export const defaultObservers = (): EngineObserver[] => [createThreatRunner()];
