/**
 * The WebSocket subprotocols (RFC 6455 §1.9, IANA's WebSocket Subprotocol Name Registry) whose messages carry a
 * protocol the engine reads, and how that protocol's messages sit in WebSocket messages.
 */
import type { ProtocolId } from '#core/protocol-id.ts';
import type { Protocol } from './protocol.ts';

/**
 * `perMessage`: each WebSocket message is one whole message of the protocol, read by its one-message-a-datagram
 * parser (SIP, RFC 7118 §5: a message never spans two, and Content-Length may be left out, as JsSIP does); else the
 * messages of a direction are one stream, read by its stream parser (MQTT 3.1.1 §6 and 5.0 §6: a packet may span
 * WebSocket messages, or several share one; STOMP's frames end at their NUL however they are sent).
 */
export type CarriedProtocol = { id: ProtocolId; perMessage: boolean };

const carried: Readonly<Record<string, CarriedProtocol>> = {
  // RFC 7118 §4.
  sip: { id: 'sip', perMessage: true },
  // MQTT 3.1.1 §6 and 5.0 §6 name `mqtt`; 3.1's clients (and paho's MQTTv31 mode) ask for `mqttv3.1`.
  mqtt: { id: 'mqtt', perMessage: false },
  'mqttv3.1': { id: 'mqtt', perMessage: false },
  // STOMP's versions, as stomp.js, RabbitMQ's Web STOMP and ActiveMQ's ws transport name them.
  'v10.stomp': { id: 'stomp', perMessage: false },
  'v11.stomp': { id: 'stomp', perMessage: false },
  'v12.stomp': { id: 'stomp', perMessage: false },
};

/** What the server's Sec-WebSocket-Protocol answer (one token, §4.2.2) says its messages carry, when the engine reads it. */
export const carriedBySubprotocol = (answer: string | undefined): CarriedProtocol | undefined => {
  if (answer === undefined || answer.length > 32) return undefined;
  const name = answer.trim().toLowerCase();
  return Object.hasOwn(carried, name) ? carried[name] : undefined;
};

/**
 * The engine's parser for what is carried: among `protocols` (the engine's own, so an engine without SIP reads no SIP
 * over WebSocket either), the one of that id whose parser reads messages as they sit in WebSocket messages.
 */
export const carriedProtocol = (
  what: CarriedProtocol,
  protocols: readonly Protocol[],
): Protocol | undefined => {
  const transport = what.perMessage ? 'udp' : 'tcp';
  return protocols.find((p) => p.id === what.id && (p.transport === transport || p.transport === 'both'));
};
