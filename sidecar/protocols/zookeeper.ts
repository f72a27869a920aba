/** Apache ZooKeeper client protocol (jute-encoded, length-prefixed) and its four-letter admin words. */
import type { Protocol } from './protocol.ts';
import { detectZookeeper } from './zookeeper-detect.ts';
import { createZookeeperParser } from './zookeeper-parser.ts';

export const zookeeper: Protocol = {
  id: 'zookeeper',
  transport: 'tcp',
  ports: [2181],
  encrypted: false,
  detect: detectZookeeper,
  createParser: createZookeeperParser,
};
