/** `meshward inspect FILE... [--json]`: every flow in packet captures, its protocol identified from the bytes. */
import { parseArgs } from 'node:util';
import { AppError, isAppError } from '#core/errors.ts';
import type { Finding, ForwardingHeader } from '#core/finding.ts';
import { describeProblem } from '#sidecar/capture/capture-problem.ts';
import { ipv4Number } from '#sidecar/decode/local-addresses.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { formatFindings } from '#sidecar/engine/format-findings.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import {
  forwardingHeaderNames,
  type TrustedProxies,
  trustedProxies,
} from '#sidecar/protocols/trusted-proxies.ts';
import type { CliCommand, CommandIo } from '../command.ts';

const usage = `Usage: meshward inspect FILE... [--json] [--flows-only] [--pod-ip IP]... [--trusted-proxy CIDR]...
       [--forwarded-header NAME]

Reads pcap or pcapng captures (tcpdump, Wireshark, tcpdump -i any), plain or gzip-compressed, and
prints, for every flow, the client and server, the transport, the application protocol identified from
the bytes (never from the port), how sure that is, whether it is encrypted (TLS, SSH, Istio or Linkerd
mTLS), the bytes each way and a short layer-7 summary. Exit 1 when a file is missing or corrupt (the
message names the byte offset, in the decompressed capture for gzip); the flows read before the
problem are still printed.

Options:
  --json        one JSON finding per line (core/finding.ts), flows and threats
  --flows-only  flow findings only: do not run the default observers (threat detection)
  --pod-ip IP   the capturing pod's IPv4 address (repeatable), as the tap knows it: in a capture with Linux
                cooked headers (tcpdump -i any), packets received with it as their source are dropped as the
                pod's kernel drops them (martians; counted, see docs/evasion.md)
  --trusted-proxy CIDR
                a proxy in front of the server (an address or CIDR, repeatable): its X-Forwarded-For or
                Forwarded entries are skipped, so threats name the client before it (docs/adr/0028), and a
                flow from it lists the clients its requests named (l7.forwarded, "a,b via proxy"; ADR 31).
                Without it, a request's forwarding header is read one hop deep (what the peer says)
  --forwarded-header NAME
                the one header those proxies write: x-forwarded-for, forwarded or x-real-ip (the others are then
                the client's own); unset: X-Forwarded-For, else Forwarded, else X-Real-IP`;

/** The --pod-ip values, each an IPv4 address: anything else is an error naming it. */
const podIps = (values: readonly string[]): string[] => {
  const wrong = values.find((value) => ipv4Number(value) === undefined);
  if (wrong !== undefined)
    throw new AppError('bad-request', `--pod-ip ${wrong}: not an IPv4 address (a.b.c.d)\n\n${usage}`);
  return [...values];
};

/** The --trusted-proxy values; a wrong one is an error naming it. */
const proxiesOf = (values: readonly string[], header: string | undefined): TrustedProxies | undefined => {
  if (header !== undefined && !(forwardingHeaderNames as readonly string[]).includes(header))
    throw new AppError(
      'bad-request',
      `--forwarded-header ${header}: not one of ${forwardingHeaderNames.join(', ')}\n\n${usage}`,
    );
  if (values.length === 0 && header === undefined) return undefined;
  try {
    return trustedProxies(values, '--trusted-proxy', header as ForwardingHeader | undefined);
  } catch (error) {
    throw new AppError('bad-request', `${(error as Error).message}\n\n${usage}`);
  }
};

/** Files larger than this get a progress line on stderr. */
const progressThreshold = 20 * 1024 * 1024;

const progress = (file: string, io: CommandIo) => {
  let shown = 0;
  return (bytes: number, size: number): void => {
    if (size < progressThreshold) return;
    const tenth = Math.floor((bytes / size) * 10);
    if (tenth <= shown || tenth >= 10) return;
    shown = tenth;
    io.stderr(
      `inspect: ${file}: ${tenth * 10}% (${(bytes / 1e6).toFixed(1)} of ${(size / 1e6).toFixed(1)} MB)`,
    );
  };
};

const startOf = (finding: Finding): string => ('firstSeen' in finding ? finding.firstSeen : '');

const print = (unsorted: Finding[], json: boolean, io: CommandIo): void => {
  // Flows end in any order; the reader wants them in the order they started.
  const findings = [...unsorted].sort((a, b) => startOf(a).localeCompare(startOf(b)));
  if (json) {
    for (const finding of findings) io.stdout(JSON.stringify(finding));
  } else {
    for (const line of formatFindings(findings)) io.stdout(line);
  }
};

/** Inspects one file; returns false when it was missing or had problems (already reported on stderr). */
const inspectOne = async (
  file: string,
  options: {
    json: boolean;
    flowsOnly: boolean;
    heading: boolean;
    podIps: string[];
    trustedProxies: TrustedProxies | undefined;
  },
  io: CommandIo,
) => {
  try {
    const proxies = options.trustedProxies === undefined ? {} : { trustedProxies: options.trustedProxies };
    const result = await inspectFile(file, {
      observers: options.flowsOnly ? [] : defaultObservers(proxies),
      onProgress: progress(file, io),
      localAddresses: options.podIps,
      // Flow findings list the clients trusted proxies named (ADR 31), with --flows-only too.
      ...proxies,
    });
    if (options.heading && !options.json) io.stdout(`==> ${file} <==`);
    print(result.findings, options.json, io);
    // A gzip capture's offsets count in its decompressed bytes (what `zcat FILE | tcpdump -r -` would see).
    const source = result.compressed ? `${file} (decompressed)` : file;
    for (const problem of result.problems) io.stderr(`meshward inspect: ${describeProblem(source, problem)}`);
    return result.problems.length === 0;
  } catch (error) {
    if (!isAppError(error) || error.code !== 'not-found') throw error;
    io.stderr(`meshward inspect: ${error.message}`);
    return false;
  }
};

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'Identify every flow in pcap/pcapng captures from its bytes, with a layer-7 summary',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'flows-only': { type: 'boolean', default: false },
        'pod-ip': { type: 'string', multiple: true, default: [] },
        'trusted-proxy': { type: 'string', multiple: true, default: [] },
        'forwarded-header': { type: 'string' },
      },
    });
    if (positionals.length === 0) throw new AppError('bad-request', `no capture file given\n\n${usage}`);
    const pod = podIps(values['pod-ip']);
    const proxies = proxiesOf(values['trusted-proxy'], values['forwarded-header']);
    let ok = true;
    for (const file of positionals) {
      const options = {
        json: values.json,
        flowsOnly: values['flows-only'],
        heading: positionals.length > 1,
        podIps: pod,
        trustedProxies: proxies,
      };
      ok = (await inspectOne(file, options, io)) && ok;
    }
    return ok ? 0 : 1;
  },
};
