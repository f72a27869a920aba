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
