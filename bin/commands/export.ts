/** `meshward export --format F`: the learned rules as enforceable policy for the tools the cluster runs. */
import { parseArgs } from 'node:util';
import { AppError } from '#core/errors.ts';
import {
  apiCall,
  clientOptions,
  connectionFlags,
  connectionUsage,
  expectOk,
} from '#functions/api/api-client.ts';
import { exporters } from '#functions/export/index.ts';
import type { CliCommand } from '../command.ts';

const formats = exporters.map((exporter) => exporter.id);

const usage = `Usage: meshward export --format ${formats.join('|')} [--namespace NS] [connection options] > policy.yaml

Exports the allow-list rules from the control plane as policies:
${exporters.map((exporter) => `  ${exporter.id.padEnd(14)} ${exporter.title}`).join('\n')}
Output is deterministic and commented with the rule each allowance came from. Ports are container
ports; cluster DNS egress is always allowed; mesh control-plane namespaces get no default deny
unless named with --namespace. Warnings (e.g. FQDN peers a dialect cannot express) go to stderr.

Options:
  --format F       one of ${formats.join(', ')} (required)
  --namespace NS   only policies for workloads in NS
${connectionUsage}`;

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export learned rules as NetworkPolicy, Istio, Cilium or Linkerd policy',
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { ...connectionFlags, format: { type: 'string' }, namespace: { type: 'string' } },
      strict: true,
    });
    if (values.format === undefined || !formats.includes(values.format as (typeof formats)[number])) {
      throw new AppError('bad-request', `--format must be one of ${formats.join(', ')}`);
    }
    const query = new URLSearchParams({
      format: values.format,
      ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
    });
    const body = expectOk(
      await apiCall(clientOptions(values, process.env), 'GET', `/api/export?${query}`),
    ) as {
      yaml: string;
      warnings: string[];
    };
    for (const warning of body.warnings) io.stderr(`warning: ${warning}`);
    io.stdout(body.yaml);
    return 0;
  },
};
