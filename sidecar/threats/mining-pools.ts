/**
 * Names of public mining pools, matched as a suffix on label boundaries (`pool.supportxmr.com` is
 * `supportxmr.com`'s). Every entry is a domain that serves mining and nothing a workload needs: Monero pools
 * (the coin cryptojacking campaigns in Kubernetes mine: TeamTNT, Kinsing, the Dero and Monero miners in exposed
 * clusters), the large multi-coin pools and hash-rate markets, and XMRig's own donation endpoint, which every
 * unmodified XMRig connects to for its fee. A team adds its own in `policies/threats/cryptomining.yaml`.
 */
export const defaultPoolDomains: readonly string[] = [
  'supportxmr.com',
  'moneroocean.stream',
  'hashvault.pro',
  'c3pool.com',
  'xmrpool.eu',
  'minexmr.com',
  'monerohash.com',
  'p2pool.io',
  'xmrig.com',
  'nanopool.org',
  '2miners.com',
  'herominers.com',
  'f2pool.com',
  'antpool.com',
  'viabtc.com',
  'poolin.com',
  'slushpool.com',
  'braiins.com',
  'ethermine.org',
  'flexpool.io',
  'woolypooly.com',
  'zergpool.com',
  'zpool.ca',
  'miningpoolhub.com',
  'prohashing.com',
  'litecoinpool.org',
  'kryptex.network',
  'unmineable.com',
  'nicehash.com',
  'minergate.com',
  'mining-dutch.nl',
  'emcd.io',
];

/** The domains, lower case and without a final dot, and how many labels each has (most have two). */
export type PoolDomains = { names: ReadonlySet<string>; labelCounts: readonly number[] };

export const poolDomains = (domains: readonly string[]): PoolDomains => {
  const names = new Set(domains.map((d) => d.toLowerCase().replace(/\.$/, '')));
  const labelCounts = [...new Set([...names].map((d) => d.split('.').length))].sort((a, b) => a - b);
  return { names, labelCounts };
};

/** Where the last `labels` labels of `name[0, end)` start, or -1 when it has fewer. */
const suffixStart = (name: string, end: number, labels: number): number => {
  let at = end;
  for (let i = 0; i < labels; i++) {
    if (at <= 0) return -1;
    at = name.lastIndexOf('.', at - 1);
    if (at < 0) return i === labels - 1 ? 0 : -1;
  }
  return at + 1;
};

/**
 * The listed domain a name falls under (the name itself or a parent), lower case; undefined when none. Called for
 * every DNS query and TLS server name: only the suffixes as long as some listed domain are cut and looked up.
 */
export const poolDomainOf = (name: string, domains: PoolDomains): string | undefined => {
  const end = name.endsWith('.') ? name.length - 1 : name.length;
  for (const labels of domains.labelCounts) {
    const start = suffixStart(name, end, labels);
    if (start < 0) return undefined;
    const suffix = name.slice(start, end).toLowerCase();
    if (domains.names.has(suffix)) return suffix;
  }
  return undefined;
};
