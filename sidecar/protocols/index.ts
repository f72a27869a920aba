/** Every protocol detector, in detection priority order: more specific signatures first. */
import type { Protocol } from './protocol.ts';

export const protocols: Protocol[] = [];
