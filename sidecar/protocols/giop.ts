/**
 * CORBA's General Inter-ORB Protocol over TCP (IIOP, `giop`): the Naming Service, every ORB's objects (omniORB, TAO,
 * JacORB, the JDK's ORB) and Java's RMI-IIOP, which WebLogic and WebSphere serve. Identified from either side's first
 * 12 octets, the message header (giop-header.ts), never its port. RMI-IIOP's value types name Java classes, which
 * `insecure-deserialization` judges (CVE-2020-2551, CVE-2023-21839).
 */
import { readGiopHeader } from './giop-header.ts';
import { createGiopParser } from './giop-parser.ts';
import type { Protocol } from './protocol.ts';

export const giop: Protocol = {
  id: 'giop',
  transport: 'tcp',
  // 2809: corbaloc's default, where omniNames listens; 683: IANA's corba-iiop; 1050: the JDK's orbd.
  ports: [2809, 683, 1050],
  encrypted: false,
  detect: (bytes) => {
    const header = readGiopHeader(bytes);
    return typeof header === 'string' ? header : 'match';
  },
  createParser: createGiopParser,
};
