/** The conditions worth telling about a flow (core FlowFinding `notes`): guessed orientation, pickup, gaps, overlaps. */
import type { Flow } from '../flow/flow.ts';
import type { DirectionState, FlowState } from './flow-state.ts';
import type { AsideReason } from './held-aside.ts';

const maxNotes = 16;

/** Copies held aside that the receiver refused (held-aside.ts), by reason, as a note names them. */
const refusedCopies: readonly (readonly [AsideReason, string])[] = [
  ['window', 'past the receive window'],
  ['ack', 'with a bad acknowledgement'],
  ['auth', 'with an MD5 or AO option'],
];

/** Copies held aside that the receiver refused, their octets sent again (only where the capture is the receiver's). */
const refusedNotes = (name: string, direction: DirectionState, notes: string[]): void => {
  const drops = direction.view?.asideDrops;
  if (drops === undefined) return;
  for (const [reason, what] of refusedCopies)
    if (drops[reason] > 0)
      notes.push(`${name}: ${drops[reason]} copies ${what} refused by the receiver, their octets sent again`);
};

const directionNotes = (name: string, direction: DirectionState, notes: string[]): void => {
  if (direction.badChecksums > 0)
    notes.push(
      `${name}: ${direction.badChecksums} segments with a bad checksum dropped (the receiver drops them)`,
    );
  if (direction.badFlags > 0)
    notes.push(
      `${name}: ${direction.badFlags} segments dropped for their flags (data without ACK, or on a stray SYN)`,
    );
  refusedNotes(name, direction, notes);
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
