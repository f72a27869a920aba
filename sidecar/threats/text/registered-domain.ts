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

export const registeredDomain = (name: string): string => {
  const labels = name.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length <= 2) return labels.join('.');
  const lastTwo = labels.slice(-2).join('.');
  return labels.slice(twoLabelSuffixes.has(lastTwo) ? -3 : -2).join('.');
};
