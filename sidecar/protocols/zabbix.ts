/**
 * Zabbix (`zabbix`): agents, servers, proxies and zabbix_sender, on 10050 (the agent's passive checks) and 10051 (the
 * server's trapper). Identified by either side's first header, `ZBXD` and a flags octet with 0x01 set and only
 * 0x02 (zlib) or 0x04 (large packet) beside it, with lengths within Zabbix's own bounds (zabbix-header.ts). Requests
 * without a header (agents before 4.0 took a bare `key\n`) are not identified: an item key on a line of its own is a
 * dotted word like any text protocol's command, and the answer to it has no header either. Agent 6.0 ignores them
 * itself ("Message from 127.0.0.1 is missing header. Message ignored.", tried against Debian's zabbix_agentd 6.0.14).
 */
import type { Detection, Protocol } from './protocol.ts';
import { readZabbixHeader } from './zabbix-header.ts';
import { createZabbixParser } from './zabbix-parser.ts';

const detect = (bytes: Uint8Array): Detection => {
  const header = readZabbixHeader(bytes);
  return typeof header === 'string' ? header : 'match';
};

export const zabbix: Protocol = {
  id: 'zabbix',
  transport: 'tcp',
  // 10050: the agent's passive checks; 10051: the server's (and a proxy's) trapper, where active checks and senders go.
  ports: [10050, 10051],
  encrypted: false,
  detect,
  createParser: createZabbixParser,
};
