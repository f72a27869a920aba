/** DNS type and rcode names (IANA DNS parameters; RFC 1035 §3.2.2, RFC 6895 §2.3). */

const typeNames: Readonly<Record<number, string>> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  10: 'NULL',
  12: 'PTR',
  13: 'HINFO',
  15: 'MX',
  16: 'TXT',
  25: 'KEY',
  28: 'AAAA',
  33: 'SRV',
  35: 'NAPTR',
  39: 'DNAME',
  41: 'OPT',
  43: 'DS',
  46: 'RRSIG',
  47: 'NSEC',
  48: 'DNSKEY',
  50: 'NSEC3',
  64: 'SVCB',
  65: 'HTTPS',
  99: 'SPF',
  250: 'TSIG',
  251: 'IXFR',
  252: 'AXFR',
  255: 'ANY',
  257: 'CAA',
};

const rcodeNames: readonly string[] = [
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
];

/** The type mnemonics `dnsTypeName` gives. */
export const dnsTypeMnemonics: ReadonlySet<string> = new Set(Object.values(typeNames));

/** The mnemonic, or TYPEnnn for types without one (RFC 3597 §5). */
export const dnsTypeName = (type: number): string => typeNames[type] ?? `TYPE${type}`;

export const dnsRcodeName = (rcode: number): string => rcodeNames[rcode] ?? `RCODE${rcode}`;
