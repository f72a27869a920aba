/**
 * util-linux's `logger` sending syslog (RFC 5424 over UDP, RFC 3164 with RFC 6587 octet counting over TCP) to netcat
 * listeners on ports that belong to other protocols.
 */
import { waitForListen } from '#test/helpers/netns.ts';
import type { Scenario } from './scenario.ts';

const udpPort = 123;
const tcpPort = 2049;

export const logScenarios: Scenario[] = [
  {
    name: 'logger (RFC 5424) over UDP on the NTP port',
    protocol: 'syslog',
    transport: 'udp',
    port: udpPort,
    portBelongsTo: 'ntp',
    commands: ['logger', 'nc'],
    operations: ['checkout auth.warning'],
    async start(ns) {
      ns.spawn('nc', ['-u', '-l', '127.0.0.1', String(udpPort)]);
    },
    client(ns) {
      ns.exec('logger', [
        '-n',
        '127.0.0.1',
        '-P',
        String(udpPort),
        '-d',
        '--rfc5424',
        '-t',
        'checkout',
        '-p',
        'auth.warning',
        'payment declined for order 42',
      ]);
    },
  },
  {
    name: 'logger (RFC 3164, octet counting) over TCP on the NFS port',
    protocol: 'syslog',
    transport: 'tcp',
    port: tcpPort,
    portBelongsTo: 'nfs',
    commands: ['logger', 'nc'],
    operations: ['inventory local3.err'],
    async start(ns) {
      ns.spawn('nc', ['-l', '-k', '127.0.0.1', String(tcpPort)]);
      await waitForListen(ns, tcpPort);
    },
    client(ns) {
      ns.exec('logger', [
        '-n',
        '127.0.0.1',
        '-P',
        String(tcpPort),
        '-T',
        '--octet-count',
        '--rfc3164',
        '-t',
        'inventory',
        '-p',
        'local3.err',
        'stock sync failed',
      ]);
    },
  },
];
