/** `meshward learn FILE.pcap... [--json]`: runs the engine and the learner in-process and prints the learned rules. */
import { parseArgs } from 'node:util';
import { AppError } from '#core/errors.ts';
import type { FlowFinding } from '#core/finding.ts';
import { formatRules } from '#functions/learn/format-rules.ts';
import { learnFromFlows } from '#functions/learn/learn-offline.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import type { CliCommand } from '../command.ts';

const usage = `Usage: meshward learn FILE... [--json] [--name IP=NAMESPACE/NAME]... [--group-by-label LABEL]

Reads pcap/pcapng captures, identifies every flow's protocol from the bytes, and learns allow-list rules
from them as the control plane would, without a cluster. Without pod metadata, an IP is named by the
in-cluster service name clients used for it (HTTP Host, TLS SNI: 'reviews', 'cart.shop.svc.cluster.local'),
else a private IP is its own group 'capture/10-0-0-1'; public IPs stay external peers (FQDN or CIDR).

Options:
  --json                 the rules as JSON (core/rule.ts), one object with rules and groups
  --name IP=NS/NAME      name an IP's workload (repeatable)`;

const parseNames = (pairs: readonly string[]): Record<string, string> => {
  const names: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([^=]+)=([^/\s]+\/[^/\s]+)$/.exec(pair);
    if (match?.[1] === undefined || match[2] === undefined)
      throw new AppError('bad-request', `--name expects IP=NAMESPACE/NAME, got '${pair}'`);
    names[match[1]] = match[2];
  }
  return names;
};

export const learnCommand: CliCommand = {
  name: 'learn',
  summary: 'learn allow-list rules from packet captures, offline',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        json: { type: 'boolean', default: false },
        name: { type: 'string', multiple: true, default: [] },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length === 0) throw new AppError('bad-request', `no capture given\n\n${usage}`);
    const names = parseNames(values.name);
    const flows: FlowFinding[] = [];
    for (const file of positionals) {
      const result = await inspectFile(file, { observers: [] });
      flows.push(...result.findings.filter((f): f is FlowFinding => f.type === 'flow'));
      for (const problem of result.problems) io.stderr(`learn: ${file}: ${JSON.stringify(problem)}`);
    }
    const learned = await learnFromFlows(flows, { names });
    if (values.json) {
      io.stdout(
        JSON.stringify(
          { flows: learned.flows, rules: learned.rules, groups: learned.groups, skipped: learned.skipped },
          null,
          2,
        ),
      );
      return 0;
    }
    for (const line of formatRules(learned.rules)) io.stdout(line);
    io.stdout(
      `\n${learned.rules.length} rule(s) from ${learned.flows} flow(s) across ${learned.groups.length} group(s)`,
    );
    return 0;
  },
};
