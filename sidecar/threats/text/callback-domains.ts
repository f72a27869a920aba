/**
 * Out-of-band callback domains in text: the hosts blind SSRF, RCE and XXE probes ask the victim to reach (Nuclei's
 * interactsh, Burp Collaborator, dnslog), so that a lookup or request there proves the payload ran. Matched as a host
 * suffix at a label boundary: `x1.oast.pro` and `http://oast.pro/` are, `boast.pro` and `oast.pro.example` are not.
 */

export type CallbackTier = 'callback' | 'shared';
export type CallbackMatch = { domain: string; tier: CallbackTier; at: number };
export type CallbackMatcher = (text: string) => CallbackMatch | undefined;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const hostCharacter = /[a-z0-9-]/i;

/** A matcher for the two lists (domains lowercase, without a leading dot); one expression tests a text. */
export const callbackMatcher = (callback: readonly string[], shared: readonly string[]): CallbackMatcher => {
  const tiers = new Map<string, CallbackTier>();
  for (const domain of shared) tiers.set(domain.toLowerCase().replace(/^\*?\./, ''), 'shared');
  for (const domain of callback) tiers.set(domain.toLowerCase().replace(/^\*?\./, ''), 'callback');
  if (tiers.size === 0) return () => undefined;
  // Longest first, so `oast.pro` is not taken for a shorter entry that ends it.
  const domains = [...tiers.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(?:${domains.map(escapeRegExp).join('|')})(?![a-z0-9-]|\\.[a-z0-9-])`, 'gi');
  return (text) => {
    // Every domain has a dot: most values (numbers, ids, tokens, words) have none and cost one indexOf.
    if (text.indexOf('.') < 0) return undefined;
    pattern.lastIndex = 0;
    for (let found = pattern.exec(text); found !== null; found = pattern.exec(text)) {
      const before = found.index === 0 ? '' : (text[found.index - 1] ?? '');
      if (before === '' || !hostCharacter.test(before)) {
        const domain = found[0].toLowerCase();
        return { domain, tier: tiers.get(domain) ?? 'callback', at: found.index };
      }
      pattern.lastIndex = found.index + 1;
    }
    return undefined;
  };
};

/** Up to `width` characters of `text` around a match, for evidence. */
export const around = (text: string, at: number, width = 120): string => {
  const from = Math.max(0, at - Math.floor(width / 2));
  return `${from > 0 ? '…' : ''}${text.slice(from, from + width)}${from + width < text.length ? '…' : ''}`;
};
