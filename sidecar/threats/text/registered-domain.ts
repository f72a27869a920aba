/** Approximates a DNS name's registered domain (eTLD+1) with the common multi-label public suffixes. */

const twoLabelSuffixes = new Set([
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'com.au',
  'net.au',
  'org.au',
  'co.jp',
  'ne.jp',
  'or.jp',
  'co.nz',
  'co.za',
  'com.br',
  'com.cn',
  'net.cn',
  'org.cn',
  'com.tw',
  'com.hk',
  'co.in',
  'co.kr',
  'com.mx',
  'com.sg',
  'com.tr',
  'co.il',
  'com.ar',
  'com.ru',
  'in-addr.arpa',
  'ip6.arpa',
  'svc.cluster',
  'compute.internal',
  'ec2.internal',
]);

/** The last dot before position `at` (-1 when none; `lastIndexOf` would look at position 0 for a negative start). */
const dotBefore = (text: string, at: number): number => (at <= 0 ? -1 : text.lastIndexOf('.', at - 1));

/**
 * The last two labels, or three under a two-label suffix, of the lower-cased name without its trailing dot. Found from
 * the last dots rather than by splitting into labels and joining them again (it runs for every DNS message).
 */
export const registeredDomain = (name: string): string => {
  const lower = name.toLowerCase();
  const bare = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  const second = dotBefore(bare, bare.lastIndexOf('.'));
  if (second < 0) return bare;
  const lastTwo = bare.slice(second + 1);
  return twoLabelSuffixes.has(lastTwo) ? bare.slice(dotBefore(bare, second) + 1) : lastTwo;
};
