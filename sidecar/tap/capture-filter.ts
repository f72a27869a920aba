/** The BPF filter for live capture: everything except the tap's own channel to the control plane and its metrics port. */

export type OwnTraffic = {
  /** Addresses the control-plane host resolved to. */
  controlPlaneIps: readonly string[];
  controlPlanePort: number;
  /** The tap's metrics/health port (kubelet probes and scrapes). */
  metricsPort?: number;
};

const ipPattern = /^[0-9a-fA-F:.]+$/;

/** A pcap-filter(7) expression; addresses are validated so nothing else can be injected into it. */
export const captureFilter = (own: OwnTraffic): string => {
  const ips = own.controlPlaneIps.filter((ip) => ipPattern.test(ip));
  const parts: string[] = [];
  if (ips.length > 0) {
    const hosts = ips.map((ip) => `host ${ip}`).join(' or ');
    parts.push(`not (tcp port ${own.controlPlanePort} and (${hosts}))`);
  }
  if (own.metricsPort !== undefined)
    parts.push(`not (tcp dst port ${own.metricsPort} or tcp src port ${own.metricsPort})`);
  return parts.join(' and ');
};
