/**
 * Debian's ActiveMQ 5.17 (the activemq package's jars) in a network namespace, for the real tests: an in-memory broker
 * (test/fixtures/activemq/Broker.java) with one transport connector, optionally requiring a login.
 */
import { existsSync } from 'node:fs';
import { type Netns, netnsUnavailable, waitForListen } from './netns.ts';

/** The broker, its OpenWire client, STOMP transport and JAAS principals, and what they load. */
export const activemqClasspath = [
  'activemq-broker',
  'activemq-client',
  'activemq-stomp',
  'activemq-jaas',
  'geronimo-jms_1.1_spec',
  'geronimo-j2ee-management-1.1-spec',
  'hawtbuf',
  'slf4j-api',
  'slf4j-nop',
]
  .map((name) => `/usr/share/java/${name}.jar`)
  .join(':');

/** Why the real ActiveMQ tests cannot run here (not root, a command or the jars missing), or undefined. */
export const activemqUnavailable = (commands: readonly string[] = []): string | undefined =>
  netnsUnavailable(['tcpdump', 'ss', 'java', ...commands]) ??
  (activemqClasspath.split(':').every((jar) => existsSync(jar))
    ? undefined
    : 'ActiveMQ is missing (apt-get install activemq)');

/**
 * Starts the broker in `ns` with a connector at `uri` (`tcp://127.0.0.1:6379`, `stomp://127.0.0.1:6379`) and waits
 * until `port` listens; `users` (`name:password`) make it require a login. Returns how long the start took, in ms.
 */
export const startActiveMq = async (
  ns: Netns,
  uri: string,
  port: number,
  users: readonly string[] = [],
): Promise<number> => {
  const started = Date.now();
  ns.spawn('java', ['-cp', activemqClasspath, 'test/fixtures/activemq/Broker.java', uri, ...users]);
  await waitForListen(ns, port, 60_000);
  return Date.now() - started;
};
