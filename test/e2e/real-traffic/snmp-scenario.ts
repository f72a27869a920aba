/**
 * net-snmp: snmpd answering on the mDNS port, and snmpget, snmpwalk and snmpbulkget asking it in versions 1, 2c
 * and 3 (authPriv: SHA and AES). Every datagram exchange is its own flow (a new client port each time).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForUdp } from '#test/helpers/netns.ts';
import type { Scenario } from './scenario.ts';

const port = 5353;
const agent = `127.0.0.1:${port}`;

const snmpdConf = (dir: string) => `agentAddress udp:${agent}
rocommunity public 127.0.0.1
rwcommunity s3cretC0mm 127.0.0.1
createUser meshward SHA authpass123 AES privpass123
rouser meshward priv
sysName checkout-db
[snmp] persistentDir ${dir}
`;

/** The tools keep their state under the scenario's dir, not /var/lib/snmp. */
const tool = (dir: string, command: string, args: string[]) => [
  `SNMP_PERSISTENT_DIR=${dir}`,
  command,
  '-t',
  '2',
  '-r',
  '1',
  ...args,
];

export const snmpScenario: Scenario = {
  name: 'net-snmp (snmpd, snmpget, snmpwalk, snmpbulkget; v1, v2c, v3) on the mDNS port',
  protocol: 'snmp',
  transport: 'udp',
  port,
  portBelongsTo: 'mdns',
  commands: ['snmpd', 'snmpget', 'snmpwalk', 'snmpbulkget', 'env'],
  operations: ['GetRequest', 'Response'],
  async start(ns, dir) {
    const own = join(dir, 'snmp');
    mkdirSync(own, { recursive: true });
    writeFileSync(join(own, 'snmpd.conf'), snmpdConf(own));
    // -C: this config file only; -f: foreground; -Lf: log to a file (it warns of every MIB it cannot find, more than
    // a pipe holds, and would block on a full one before it binds).
    ns.spawn('snmpd', [
      '-f',
      '-Lf',
      join(own, 'snmpd.log'),
      '-C',
      '-c',
      join(own, 'snmpd.conf'),
      '-p',
      join(own, 'snmpd.pid'),
    ]);
    await waitForUdp(ns, '127.0.0.1', port);
  },
  client(ns, dir) {
    const own = join(dir, 'snmp');
    const sysName = '1.3.6.1.2.1.1.5.0';
    ns.exec('env', tool(own, 'snmpget', ['-v2c', '-c', 'public', agent, sysName]));
    ns.exec('env', tool(own, 'snmpget', ['-v1', '-c', 's3cretC0mm', agent, sysName]));
    ns.exec('env', tool(own, 'snmpwalk', ['-v2c', '-c', 'public', agent, '1.3.6.1.2.1.1']));
    ns.exec('env', tool(own, 'snmpbulkget', ['-v2c', '-c', 'public', '-Cr5', agent, '1.3.6.1.2.1.1']));
    ns.exec(
      'env',
      tool(own, 'snmpget', [
        '-v3',
        '-l',
        'authPriv',
        '-u',
        'meshward',
        '-a',
        'SHA',
        '-A',
        'authpass123',
        '-x',
        'AES',
        '-X',
        'privpass123',
        agent,
        sysName,
      ]),
    );
  },
};
