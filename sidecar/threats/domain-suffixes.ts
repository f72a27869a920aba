/**
 * A list of domains matched as suffixes on label boundaries: `pool.supportxmr.com` falls under `supportxmr.com`, and
 * `notsupportxmr.com` does not. Used for mining pools (cryptomining) and public DNS resolvers (encrypted-dns).
 */

/** The domains, lower case and without a final dot, and how many labels each has (most have two or three). */
export type DomainSuffixes = { names: ReadonlySet<string>; labelCounts: readonly number[] };

export const domainSuffixes = (domains: readonly string[]): DomainSuffixes => {
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
export const domainUnder = (name: string, domains: DomainSuffixes): string | undefined => {
  const end = name.endsWith('.') ? name.length - 1 : name.length;
  for (const labels of domains.labelCounts) {
    const start = suffixStart(name, end, labels);
    if (start < 0) return undefined;
    const suffix = name.slice(start, end).toLowerCase();
    if (domains.names.has(suffix)) return suffix;
  }
  return undefined;
};

/**
 * The lookup of the domains a validated config lists (`domains` picks them), made once per config: configs are
 * validated once and kept, and the lookup is asked for every DNS question and TLS server name.
 */
export const domainSuffixesOf = <Config extends object>(
  domains: (config: Config) => readonly string[],
): ((config: Config) => DomainSuffixes) => {
  const made = new WeakMap<Config, DomainSuffixes>();
  return (config) => {
    let suffixes = made.get(config);
    if (suffixes === undefined) {
      suffixes = domainSuffixes(domains(config));
      made.set(config, suffixes);
    }
    return suffixes;
  };
};
