/**
 * What insecure-deserialization finds in protocol operations: a Java stream a Java RMI call, a T3 message, an OpenWire
 * object message or a STOMP frame carries (a known gadget only: these protocols carry serialization by design), a
 * Throwable an OpenWire command carries (CVE-2023-46604), RMI-IIOP value types in a GIOP request, a beanstalkd or
 * Gearman job (queued-job-sighting.ts); and which server events are judged at all (`handedOn`: what a broker or a
 * queue hands a client that deserializes it, ADR 54 and 55).
 */
import type { ProtocolId } from '#core/protocol-id.ts';
import type { OperationEvent, ProtocolEvent } from '../../events.ts';
import { opensStream } from '../../protocols/java-rmi-call.ts';
import { latin1 } from '../../protocols/wire-bytes.ts';
import { gadgetIn } from './deserialization-gadgets.ts';
import { queuedJobSighting } from './queued-job-sighting.ts';
import { restGadget, restShown } from './rest-gadget.ts';
import { rmiIiopClasses } from './rmi-iiop-classes.ts';
import type { Sighting } from './serialized-format.ts';

/** How a Java stream's carrier is told, by protocol. */
const javaCarriers: Record<string, (event: OperationEvent) => string> = {
  rmi: (event) =>
    `Java RMI call ${event.operation}${event.detail === undefined ? '' : ` "${event.detail.slice(0, 80)}"`}, its arguments a Java serialized object`,
  openwire: (event) =>
    event.direction === 'to-client'
      ? `ActiveMQ OpenWire object message dispatched to this consumer${event.detail === undefined ? '' : ` from ${event.detail.slice(0, 120)}`}, its body a Java serialized object its getObject() deserializes (CVE-2015-5254)`
      : `ActiveMQ OpenWire object message${event.detail === undefined ? '' : ` to ${event.detail.slice(0, 120)}`}, its body a Java serialized object every consumer's getObject() deserializes (CVE-2015-5254)`,
  t3: (event) =>
    `WebLogic T3 ${event.operation} message${event.detail === undefined ? '' : ` (${event.detail.slice(0, 200)})`}, carrying Java serialized objects`,
  // A SEND's body (stomp-parser.ts): a Java stream as it is, or the XML or JSON that ActiveMQ's JmsFrameTranslator
  // unmarshals with XStream for a `jms-object-*` or `jms-map-*` transformation (XStream's own CVEs reach it: AMQ-8358
  // took XStream 1.4.18 for CVE-2021-39154).
  stomp: (event) =>
    event.direction === 'to-client'
      ? `STOMP ${event.operation.slice(0, 200)} delivered to this consumer, its body a Java serialized object the consumer deserializes when it reads it`
      : opensStream(event.serialized ?? new Uint8Array(), 0)
        ? `STOMP ${event.operation.slice(0, 200)}, its body a Java serialized object a consumer that reads it deserializes`
        : `STOMP ${event.operation.slice(0, 200)} with an XStream transformation (${event.detail?.slice(0, 200) ?? ''}), its body a document ActiveMQ's broker unmarshals with XStream into the classes it names`,
};

/**
 * A Java RMI call (`rmi`), a WebLogic T3 message (`t3`), an ActiveMQ object message (`openwire`) or a STOMP SEND whose
 * body is a Java stream or XStream's input (`stomp`): serialization is what they carry, so only a known gadget chain
 * among its classes is told (ysoserial's RMIRegistryExploit binds one; JRMPClient sends one to the DGC; the public T3
 * exploits put one in a message's streams; a producer can put one in a queue for its consumers). The first 64 KiB are
 * read, and the classes the stream names past them (`restClasses`): padding does not hide a chain.
 */
const javaStreamSighting = (event: OperationEvent): Sighting | undefined => {
  const stream = event.serialized;
  const carrier = javaCarriers[event.protocol];
  if (stream === undefined || carrier === undefined) return undefined;
  const inKept = gadgetIn(latin1(stream), 'java');
  const past = inKept === undefined ? restGadget(event) : undefined;
  const gadget = inKept ?? past?.gadget;
  if (gadget === undefined) return undefined;
  return {
    found: { format: carrier(event), gadget },
    where: `${event.protocol} ${event.protocol === 'rmi' ? 'call' : event.direction === 'to-client' ? 'dispatch' : 'message'}`,
    shown: restShown(stream.length, past),
  };
};

/**
 * Protocols whose server hands a client what it deserializes: a broker's delivery (OpenWire's dispatch, STOMP's
 * MESSAGE), a job queue's job handed to a worker (ADR 54, 55).
 */
export const handedOn: readonly ProtocolId[] = ['openwire', 'stomp', 'beanstalkd', 'gearman'];

/** An object message a broker delivers to its consumer, or a job a queue hands its worker: judged from a server. */
export const dispatchedObject = (event: ProtocolEvent): boolean =>
  event.kind === 'operation' && handedOn.includes(event.protocol) && event.serialized !== undefined;

/**
 * A GIOP request (`giop`) whose arguments hold RMI-IIOP value types of a known gadget class (WebLogic's IIOP:
 * CVE-2020-2551's JtaTransactionManager, CVE-2023-21839's ForeignOpaqueReference). RMI-IIOP is serialization by
 * design and CORBA naming carries none, so only a gadget is told.
 */
const giopSighting = (event: OperationEvent): Sighting | undefined => {
  const body = event.serialized;
  if (event.protocol !== 'giop' || body === undefined) return undefined;
  const classes = rmiIiopClasses(body);
  let gadget: string | undefined;
  const named = classes.find((name) => {
    gadget = gadgetIn(name, 'java');
    return gadget !== undefined;
  });
  if (named === undefined || gadget === undefined) return undefined;
  return {
    found: {
      format: `GIOP request ${event.operation}, its arguments RMI-IIOP value types of ${named}`,
      gadget,
    },
    where: 'giop request',
    shown: `${event.detail ?? ''}; repository ids RMI:${classes.slice(0, 4).join(', RMI:')}`.slice(0, 400),
  };
};

/** The JDK's and ActiveMQ's own exceptions: what a broker or client has reason to marshal. */
const ownThrowable =
  /^(?:java|javax|org\.apache\.activemq)\.(?:[\w$]+\.)*[\w$]*(?:Exception|Error|Throwable)$/;
/** What public CVE-2023-46604 exploits name: Spring's (or XBean's) XML application contexts, which load the URL. */
const throwableGadget = /\.(?:ClassPathXml|FileSystemXml)ApplicationContext$/;

/**
 * An OpenWire command from a client carrying a Throwable (`openwire`): ActiveMQ before 5.15.16, 5.16.7, 5.17.6 and
 * 5.18.3 instantiates its class with the message as the constructor's one String (CVE-2023-46604). Told when the
 * class is not a `java.*`, `javax.*` or `org.apache.activemq.*` exception; a known gadget is critical.
 */
const openwireSighting = (event: OperationEvent): Sighting | undefined => {
  const thrown = event.thrown;
  if (thrown === undefined || event.protocol !== 'openwire' || ownThrowable.test(thrown.className))
    return undefined;
  const gadget = throwableGadget.test(thrown.className)
    ? `${thrown.className} (a Spring XML application context: loads and runs the bean definitions at the URL)`
    : undefined;
  return {
    found: {
      format: `ActiveMQ OpenWire ${event.operation} carrying a Throwable of class ${thrown.className}, which a broker instantiates with its message (CVE-2023-46604)`,
      ...(gadget === undefined ? {} : { gadget }),
    },
    where: `openwire ${event.operation}`,
    shown: `message ${JSON.stringify(thrown.message.slice(0, 200))}`,
  };
};

/** The operation's sighting, of the first kind that finds one. */
export const operationSighting = (event: OperationEvent): Sighting | undefined =>
  javaStreamSighting(event) ?? openwireSighting(event) ?? giopSighting(event) ?? queuedJobSighting(event);
