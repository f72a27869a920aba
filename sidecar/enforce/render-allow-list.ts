/**
 * Protect mode's allow-list as two chains of our own (ADR 5): replies, loopback, ICMP, the tap's channel, DNS,
 * the mesh's control plane and the allowed peers return; other new connections are refused (TCP reset) or dropped.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { AllowDirection, AllowList } from '#core/allow-list.ts';
import type { AllowedChannel, IpFamily } from './render-rules.ts';

export const allowInChain = 'MESHWARD-ALLOW-IN';
export const allowOutChain = 'MESHWARD-ALLOW-OUT';

/** Mesh proxies' own inbound ports (Istio health, merged metrics, Envoy stats; Linkerd admin): scrapes and probes. */
export const meshProxyInboundPorts = [15020, 15021, 15090, 4191] as const;
/** Mesh control plane ports a proxy dials (istiod xDS, CA, webhooks; Linkerd destination, policy). */
export const meshControlOutboundPorts = [15010, 15012, 15017, 8086, 8090] as const;

const ofFamily = (family: IpFamily) => (ip: string) => (family === 4 ? isIPv4(ip) : isIPv6(ip));
const cidrOfFamily = (family: IpFamily) => (cidr: string) => ofFamily(family)(cidr.split('/')[0] ?? '');

/** Matching on the original destination port sees through the mesh's REDIRECT (inbound 15006, outbound 15001). */
const peerRules = (chain: string, side: '-s' | '-d', direction: AllowDirection, family: IpFamily) =>
  direction.enforce
    ? direction.entries.flatMap((entry) => {
        const ports = entry.portEnd === undefined ? `${entry.port}` : `${entry.port}:${entry.portEnd}`;
        return entry.cidrs
          .filter(cidrOfFamily(family))
          .map(
            (cidr) =>
              `-A ${chain} ${side} ${cidr} -p ${entry.transport} -m conntrack --ctorigdstport ${ports} -j RETURN`,
          );
      })
    : [];

const common = (chain: string, iface: '-i' | '-o', family: IpFamily) => [
  `-A ${chain} -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN`,
  `-A ${chain} ${iface} lo -j RETURN`,
  `-A ${chain} -p ${family === 4 ? 'icmp' : 'ipv6-icmp'} -j RETURN`,
];

/** Only new connections are refused: a TCP segment without SYN (an older connection picked up) passes. */
const refuse = (chain: string) => [
  `-A ${chain} -p tcp --syn -m conntrack --ctstate NEW -j REJECT --reject-with tcp-reset`,
  `-A ${chain} -p udp -m conntrack --ctstate NEW -j DROP`,
];

const inbound = (list: AllowList, channel: AllowedChannel, family: IpFamily): string[] => [
  ...common(allowInChain, '-i', family),
  ...channel.controlPlaneIps
    .filter(ofFamily(family))
    .map((ip) => `-A ${allowInChain} -s ${ip} -p tcp --sport ${channel.controlPlanePort} -j RETURN`),
  ...(channel.metricsPort === undefined
    ? []
    : [`-A ${allowInChain} -p tcp --dport ${channel.metricsPort} -j RETURN`]),
  ...(channel.hostIps ?? []).filter(ofFamily(family)).map((ip) => `-A ${allowInChain} -s ${ip} -j RETURN`),
  `-A ${allowInChain} -p tcp -m multiport --dports ${meshProxyInboundPorts.join(',')} -j RETURN`,
  ...peerRules(allowInChain, '-s', list.inbound, family),
  ...refuse(allowInChain),
];

const outbound = (list: AllowList, channel: AllowedChannel, family: IpFamily): string[] => [
  ...common(allowOutChain, '-o', family),
  ...channel.controlPlaneIps
    .filter(ofFamily(family))
    .map((ip) => `-A ${allowOutChain} -d ${ip} -p tcp --dport ${channel.controlPlanePort} -j RETURN`),
  ...(channel.dnsServers ?? [])
    .filter(ofFamily(family))
    .flatMap((ip) =>
      ['udp', 'tcp'].map(
        (proto) =>
          `-A ${allowOutChain} -p ${proto} -m conntrack --ctorigdst ${ip} --ctorigdstport 53 -j RETURN`,
      ),
    ),
  ...(channel.hostIps ?? []).filter(ofFamily(family)).map((ip) => `-A ${allowOutChain} -d ${ip} -j RETURN`),
  `-A ${allowOutChain} -p tcp -m multiport --dports ${meshControlOutboundPorts.join(',')} -j RETURN`,
  ...peerRules(allowOutChain, '-d', list.outbound, family),
  ...refuse(allowOutChain),
];

/** The allow chains' rules and the jumps into them (only for a direction the list enforces). */
export const renderAllowList = (
  list: AllowList,
  channel: AllowedChannel,
  family: IpFamily,
  hooks: { input: string; output: string },
): string[] => [
  ...(list.inbound.enforce ? inbound(list, channel, family) : []),
  ...(list.outbound.enforce ? outbound(list, channel, family) : []),
  ...(list.inbound.enforce ? [`-A ${hooks.input} -j ${allowInChain}`] : []),
  ...(list.outbound.enforce ? [`-A ${hooks.output} -j ${allowOutChain}`] : []),
];
