/** The conditions worth telling about a flow (core FlowFinding `notes`): guessed orientation, pickup, gaps, overlaps. */
import type { Flow } from '../flow/flow.ts';
import type { DirectionState, FlowState } from './flow-state.ts';

const maxNotes = 16;

const directionNotes = (name: string, direction: DirectionState, notes: string[]): void => {
  if (direction.badChecksums > 0)
    notes.push(
      `${name}: ${direction.badChecksums} segments with a bad checksum dropped (the receiver drops them)`,
    );
  if (direction.badFlags > 0)
    notes.push(
      `${name}: ${direction.badFlags} segments dropped for their flags (data without ACK, or on a stray SYN)`,
    );
  const drops = (reason: 'window' | 'ack' | 'auth', what: string): void => {
    const count = direction.asideDrops?.[reason] ?? 0;
    if (count > 0)
      notes.push(`${name}: ${count} copies ${what} refused by the receiver, their octets sent again`);
  };
  drops('window', 'past the receive window');
  drops('ack', 'with a bad acknowledgement');
  drops('auth', 'with an MD5 or AO option');
  if (direction.pawsDrops > 0)
    notes.push(`${name}: ${direction.pawsDrops} segments with an older timestamp dropped (PAWS)`);
  if (direction.ignoredResets > 0)
    notes.push(
      `${name}: ${direction.ignoredResets} resets ignored (not the next sequence number: the receiver drops them)`,
    );
  const stats = direction.reassembler?.stats;
  if (stats === undefined) return;
  if (stats.gaps > 0) notes.push(`${name}: ${stats.gaps} gaps, ${stats.gapBytes} bytes lost`);
  if (stats.conflicts > 0)
    notes.push(`${name}: ${stats.conflicts} overlapping segments with different bytes`);
  if (stats.retransmissions > 0) notes.push(`${name}: ${stats.retransmissions} retransmissions`);
  if (stats.staleFins > 0) notes.push(`${name}: ${stats.staleFins} stale FINs ignored`);
  if (stats.urgentOctets > 0) notes.push(`${name}: ${stats.urgentOctets} urgent octets taken out of band`);
  if (stats.pruned > 0)
    notes.push(
      `${name}: ${stats.pruned} out-of-order segments dropped past the bound while the receiver waited`,
    );
};

const endNotes: Record<string, string> = {
  evicted: 'flow table full: evicted before its end',
  lifetime: 'maximum lifetime reached: reported and restarted',
  idle: 'ended by idle timeout',
};

export const flowNotes = (flow: Flow<FlowState>): string[] => {
  const state = flow.state;
  const notes: string[] = [];
  if (flow.orientation === 'port-heuristic')
    notes.push('no handshake seen: client and server guessed from the ports');
  else if (flow.orientation === 'first-packet' && flow.transport === 'tcp')
    notes.push('no handshake seen: client is the first sender');
  if (state.toServer.reassembler?.midStream || state.toClient.reassembler?.midStream)
    notes.push('mid-stream pickup (no SYN)');
  const proxyProblem = state.proxy?.problem;
  if (proxyProblem !== undefined) notes.push(`PROXY header not read: ${proxyProblem}`.slice(0, 128));
  directionNotes('to-server', state.toServer, notes);
  directionNotes('to-client', state.toClient, notes);
  if (state.snapped) notes.push('payload cut by the capture snap length');
  if (state.parserFailed) notes.push('protocol parser failed: parsing stopped');
  if (state.tunnelFailed !== undefined)
    notes.push(`${state.tunnelFailed} parser inside the tunnel failed: the tunnel's reading stopped`);
  const ended = flow.endReason === undefined ? undefined : endNotes[flow.endReason];
  if (ended !== undefined) notes.push(ended);
  return notes.slice(0, maxNotes).map((note) => note.slice(0, 128));
};
