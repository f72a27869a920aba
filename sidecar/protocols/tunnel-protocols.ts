/**
 * The registry a tunnel's inner protocol is detected with. index.ts names it once it has loaded: it imports http.ts,
 * whose tunnels would import it back in a cycle. Until then (http.ts loaded on its own), TLS alone, as before.
 */
import type { Protocol } from './protocol.ts';
import { tls } from './tls.ts';

let registry: () => readonly Protocol[] = () => [tls];

/** index.ts calls this with an accessor, read each time a tunnel opens, never while modules load. */
export const readTunnelsWith = (protocols: () => readonly Protocol[]): void => {
  registry = protocols;
};

export const tunnelProtocols = (): readonly Protocol[] => registry();
