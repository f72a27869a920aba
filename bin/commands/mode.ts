/** `meshward mode NAMESPACE/NAME MODE`: switch a group between discover, monitor and protect. */
import { parseArgs } from 'node:util';
import { AppError } from '#core/errors.ts';
import { modeSchema } from '#core/mode.ts';
import {
  apiCall,
  clientOptions,
  connectionFlags,
  connectionUsage,
  expectOk,
} from '#functions/api/api-client.ts';
import type { CliCommand } from '../command.ts';

const usage = `Usage: meshward mode NAMESPACE/NAME discover|monitor|protect [connection options]

Sets a workload group's mode: discover learns rules, monitor freezes them and raises violations,
protect also blocks what they do not allow (never the mesh control plane). The group's taps get a
signed set-mode command with their next batch.

${connectionUsage}`;

export const modeCommand: CliCommand = {
  name: 'mode',
  summary: "set a group's mode: discover, monitor or protect",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: connectionFlags,
      allowPositionals: true,
      strict: true,
    });
    const [group, mode] = positionals;
    const slash = group?.indexOf('/') ?? -1;
    if (group === undefined || slash <= 0 || slash === group.length - 1) {
      throw new AppError(
        'bad-request',
        `expected a group as NAMESPACE/NAME, got '${group ?? ''}'\n\n${usage}`,
      );
    }
    const parsed = modeSchema.safeParse(mode);
    if (!parsed.success)
      throw new AppError('bad-request', `mode must be discover, monitor or protect, got '${mode ?? ''}'`);
    const path = `/api/groups/${encodeURIComponent(group.slice(0, slash))}/${encodeURIComponent(group.slice(slash + 1))}/mode`;
    const body = expectOk(
      await apiCall(clientOptions(values, process.env), 'PUT', path, { mode: parsed.data }),
    ) as {
      group: { key: string; mode: string };
      commands: number;
      note?: string;
    };
    if (values.json) io.stdout(JSON.stringify(body, null, 2));
    else
      io.stdout(
        `${body.group.key}: ${body.group.mode} (${body.commands} tap(s) notified)${body.note ? `; ${body.note}` : ''}`,
      );
    return 0;
  },
};
