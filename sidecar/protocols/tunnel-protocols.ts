/**
 * The context of a parser created without one (outside an engine: tests, tools): the flow itself, its tunnels' inner
 * protocols detected with the whole registry. index.ts names the registry once it has loaded: it imports http.ts,
 * whose tunnels would import it back in a cycle. Until then (http.ts loaded on its own), TLS alone, as before.
 */
import type { ParserContext, Protocol } from './protocol.ts';
import { tls } from './tls.ts';

let registry: () => readonly Protocol[] = () => [tls];

/** index.ts calls this with an accessor, read when a parser is created, never while modules load. */
export const readTunnelsWith = (protocols: () => readonly Protocol[]): void => {
  registry = protocols;
};

/** The context a parser was given, or the flow's own with the whole registry (Protocol.createParser). */
export const parserContext = (context?: ParserContext): ParserContext =>
  context ?? { tunnelDepth: 0, protocols: registry() };
