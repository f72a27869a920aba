/** `meshward rules [--group NS/NAME]`: the learned and manual allow-list rules, from the control plane's API. */
import { parseArgs } from 'node:util';
import type { Rule } from '#core/rule.ts';
import {
  apiCall,
  clientOptions,
  connectionFlags,
  connectionUsage,
  expectOk,
} from '#functions/api/api-client.ts';
import { formatRules } from '#functions/learn/format-rules.ts';
import type { CliCommand } from '../command.ts';

const usage = `Usage: meshward rules [--group NAMESPACE/NAME] [connection options]

Lists the allow-list rules: group → peer, port, layer-7 protocol, HTTP methods and path templates, hits.

Options:
  --group NS/NAME  only rules from or to this group
${connectionUsage}`;

export const rulesCommand: CliCommand = {
  name: 'rules',
  summary: 'list the allow-list rules (learned and manual)',
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { ...connectionFlags, group: { type: 'string' } },
      strict: true,
    });
    const query = values.group === undefined ? '' : `?group=${encodeURIComponent(values.group)}`;
    const body = expectOk(await apiCall(clientOptions(values, process.env), 'GET', `/api/rules${query}`)) as {
      rules: Rule[];
    };
    if (values.json) io.stdout(JSON.stringify(body, null, 2));
    else for (const line of formatRules(body.rules)) io.stdout(line);
    return 0;
  },
};
