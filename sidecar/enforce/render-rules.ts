/** Renders the enforcement state as iptables-restore input for the filter table: our two chains and nothing else. */
import { isIPv4, isIPv6 } from 'node:net';
import type { Block, EnforcementState } from './enforcement-state.ts';
import { allowInChain, allowOutChain, renderAllowList } from './render-allow-list.ts';

export const inputChain = 'MESHWARD-IN';
export const outputChain = 'MESHWARD-OUT';

export type IpFamily = 4 | 6;

/** Traffic that quarantine never cuts: the tap's channel to the control plane, its health port, and the pod's loopback. */
export type AllowedChannel = {
  controlPlaneIps: readonly string[];
  controlPlanePort: number;
  metricsPort?: number;
  hostIps?: readonly string[];
  /** The pod's resolvers (resolv.conf): protect mode's allow-list always lets DNS out to them. */
  dnsServers?: readonly string[];
};

/** Every chain we own, jumps from INPUT/OUTPUT first: the order they are emptied and deleted in. */
export const ourChains = () => [inputChain, outputChain, allowInChain, allowOutChain] as const;

const ofFamily = (family: IpFamily) => (ip: string) => (family === 4 ? isIPv4(ip) : isIPv6(ip));

const allowRules = (channel: AllowedChannel, family: IpFamily): string[] => {
  const rules = [`-A ${inputChain} -i lo -j RETURN`, `-A ${outputChain} -o lo -j RETURN`];
  for (const ip of channel.controlPlaneIps.filter(ofFamily(family))) {
    rules.push(`-A ${outputChain} -d ${ip} -p tcp --dport ${channel.controlPlanePort} -j RETURN`);
    rules.push(`-A ${inputChain} -s ${ip} -p tcp --sport ${channel.controlPlanePort} -j RETURN`);
  }
  if (channel.metricsPort !== undefined) {
    rules.push(`-A ${inputChain} -p tcp --dport ${channel.metricsPort} -j RETURN`);
    rules.push(`-A ${outputChain} -p tcp --sport ${channel.metricsPort} -j RETURN`);
  }
  for (const ip of (channel.hostIps ?? []).filter(ofFamily(family))) {
    rules.push(`-A ${inputChain} -s ${ip} -j RETURN`, `-A ${outputChain} -d ${ip} -j RETURN`);
  }
  return rules;
};

/** TCP gets a reset so connections are cut at once, not left hanging; everything else is dropped. */
const cutRules = (chain: string, match: string): string[] => [
  `-A ${chain}${match} -p tcp -j REJECT --reject-with tcp-reset`,
  `-A ${chain}${match} -j DROP`,
];

/** The resets REJECT sends leave through OUTPUT too: let them out, or the cut peer would hang instead. */
const resetsOut = `-A ${outputChain} -p tcp --tcp-flags RST RST -j RETURN`;

/** TCP resets in both directions of the blocked connections: the in-flight one is cut, new ones fail. */
const portBlock = (block: Block & { port: number }): string[] => {
  const ours = block.peer === 'client' ? '--dport' : '--sport';
  const theirs = block.peer === 'client' ? '--sport' : '--dport';
  return [
    `-A ${inputChain} -s ${block.ip} -p tcp ${ours} ${block.port} -j REJECT --reject-with tcp-reset`,
    `-A ${outputChain} -d ${block.ip} -p tcp ${theirs} ${block.port} -j REJECT --reject-with tcp-reset`,
  ];
};

const blockRules = (state: EnforcementState, family: IpFamily, now: number): string[] =>
  state.blocks
    .filter((block) => ofFamily(family)(block.ip) && (block.until === undefined || block.until > now))
    .flatMap((block) =>
      block.port === undefined
        ? [...cutRules(inputChain, ` -s ${block.ip}`), ...cutRules(outputChain, ` -d ${block.ip}`)]
        : portBlock({ ...block, port: block.port }),
    );

/** A complete `iptables-restore --noflush` script: declaring our chains flushes them, so the swap is atomic. */
export const renderRules = (
  state: EnforcementState,
  channel: AllowedChannel,
  family: IpFamily,
  now: number,
): string => {
  const lines = ['*filter', ...ourChains().map((chain) => `:${chain} - [0:0]`)];
  if (state.quarantined) {
    lines.push(
      resetsOut,
      ...allowRules(channel, family),
      ...cutRules(inputChain, ''),
      ...cutRules(outputChain, ''),
    );
  } else if (state.blocks.length > 0 || state.allowList !== undefined) {
    lines.push(resetsOut, ...blockRules(state, family, now));
    if (state.allowList !== undefined)
      lines.push(
        ...renderAllowList(state.allowList, channel, family, { input: inputChain, output: outputChain }),
      );
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
};
