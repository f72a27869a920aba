/**
 * IRC from a pod (MITRE ATT&CK T1071, application-layer command and control): no production workload chats, but
 * bots do: Tsunami/Kaiten and its kin, dropped with miners on exposed Docker and Kubernetes hosts, join a channel and
 * wait for orders there. One finding per session; its story is the surest step seen (a channel joined outranks a
 * nick registered), and orders relayed to the pod (a PRIVMSG starting with `!` or `.`) are named. Servers a team
 * runs on purpose go in `allowServers`.
 */
import type { OperationEvent } from '../events.ts';
import { operationStory, type Story } from './operation-story.ts';

/** irc.ts's message detail: `[from=nick ]target=#chan text=…`. */
const message = /^(?:from=(\S+) )?target=(\S*) text=(.*)$/s;

const story = (event: OperationEvent): Story | undefined => {
  const detail = event.detail ?? '';
  if (event.direction === 'to-server' && event.operation === 'NICK')
    return { evidence: `an IRC session registering as ${detail.slice(0, 32)}`, confidence: 0.8 };
  if (event.direction === 'to-server' && event.operation === 'JOIN')
    return { evidence: `an IRC session joining ${detail.slice(0, 64)}`, confidence: 0.9 };
  if (event.direction !== 'to-client' || event.operation !== 'PRIVMSG') return undefined;
  const [, from = '?', target = '', text = ''] = message.exec(detail) ?? [];
  if (!/^[!.]\w/.test(text)) return undefined;
  return {
    evidence: `an IRC bot given an order in ${target}: ${from} said ${text.slice(0, 48)}`,
    confidence: 1,
  };
};

export const ircC2 = operationStory({ id: 'irc-c2', protocol: 'irc', severity: 'high', story });
