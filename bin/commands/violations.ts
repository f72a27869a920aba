/** `meshward violations`: traffic that left a group's baseline, newest first, with the nearest rule and why. */
import { parseArgs } from 'node:util';
import type { ViolationFinding } from '#core/finding.ts';
import {
  apiCall,
  clientOptions,
  connectionFlags,
  connectionUsage,
  expectOk,
} from '#functions/api/api-client.ts';
import type { CliCommand } from '../command.ts';

const usage = `Usage: meshward violations [--namespace NS] [--group NS/NAME] [--since ISO] [--limit N] [connection options]
       meshward violations allow ID

Lists violations: the flow, the group whose baseline it left, the mode, the nearest rule and why it did
not match. 'allow ID' turns one into a rule.

${connectionUsage}`;

type Listed = { id: string; finding: ViolationFinding };

const line = ({ id, finding: v }: Listed): string =>
  `${v.firstSeen}  ${v.mode.padEnd(8)} ${v.group} ↔ ${v.peer} ${v.transport}/${v.server.port} ${v.protocol}: ${v.reason}  [${id}]`;

export const violationsCommand: CliCommand = {
  name: 'violations',
  summary: 'list violations of the learned rules, or allow one',
  usage,
  async run(args, io) {
    const filters = {
      namespace: { type: 'string' },
      group: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
    } as const;
    const { values, positionals } = parseArgs({
      args,
      options: { ...connectionFlags, ...filters },
      allowPositionals: true,
      strict: true,
    });
    const client = clientOptions(values, process.env);
    if (positionals[0] === 'allow' && positionals[1] !== undefined) {
      const body = expectOk(
        await apiCall(client, 'POST', `/api/violations/${encodeURIComponent(positionals[1])}/allow`),
      );
      io.stdout(
        values.json
          ? JSON.stringify(body, null, 2)
          : `allowed: rule ${(body as { rule: { id: string } }).rule.id}`,
      );
      return 0;
    }
    const query = new URLSearchParams();
    for (const key of ['namespace', 'group', 'since', 'limit'] as const)
      if (values[key] !== undefined) query.set(key, values[key]);
    const body = expectOk(await apiCall(client, 'GET', `/api/violations?${query}`)) as { findings: Listed[] };
    if (values.json) io.stdout(JSON.stringify(body, null, 2));
    else if (body.findings.length === 0) io.stdout('no violations');
    else for (const listed of body.findings) io.stdout(line(listed));
    return 0;
  },
};
