/** The evasion tricks a flow's reassembly saw and undid (docs/evasion.md), for observers at the flow's end. */
import { anomalyCount, noTcpAnomalies, type TcpAnomalies } from '../threats/threat.ts';
import type { DirectionState, FlowState } from './flow-state.ts';

const add = (sum: TcpAnomalies, d: DirectionState): void => {
  sum.ignoredResets += d.ignoredResets;
  sum.pawsDrops += d.pawsDrops;
  sum.badChecksums += d.badChecksums;
  sum.badFlags += d.badFlags;
  const drops = d.view?.asideDrops;
  if (drops !== undefined) {
    sum.windowDrops += drops.window;
    sum.ackDrops += drops.ack;
    sum.authDrops += drops.auth;
  }
  const stats = d.reassembler?.stats;
  if (stats === undefined) return;
  sum.conflicts += stats.conflicts;
  sum.staleFins += stats.staleFins;
  sum.urgentOctets += stats.urgentOctets;
};

/** Both directions' counts, or undefined when there is nothing to tell (the usual case). */
export const tcpAnomalies = (state: FlowState): TcpAnomalies | undefined => {
  const sum = noTcpAnomalies();
  add(sum, state.toServer);
  add(sum, state.toClient);
  return anomalyCount(sum) > 0 ? sum : undefined;
};
