/**
 * Turns a new flow round: its client becomes its server. For a flow whose ends were guessed from its first packet or
 * its ports (orient.ts) when the engine learns better before reading it (a flow a control connection announced, whose
 * listener is the server). Only at creation: the flow table sets the first packet's direction after its create hook.
 */
import type { Flow } from './flow.ts';

export const turnAround = (flow: Flow<unknown>): void => {
  const { client, clientV4 } = flow;
  flow.client = flow.server;
  flow.clientV4 = flow.serverV4;
  flow.server = client;
  flow.serverV4 = clientV4;
  flow.orientation = 'announced';
};
