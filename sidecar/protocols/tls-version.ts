/** TLS version names and GREASE values (RFC 8701). */

const names: Readonly<Record<number, string>> = {
  2: 'SSL2.0',
  768: 'SSL3.0',
  769: 'TLS1.0',
  770: 'TLS1.1',
  771: 'TLS1.2',
  772: 'TLS1.3',
};

/** A readable version name: SSL2.0 … TLS1.3, TLS 1.3 drafts (0x7fNN), else hex. */
export const tlsVersionName = (version: number): string => {
  const known = names[version];
  if (known) return known;
  if (version >> 8 === 0x7f) return `TLS1.3-draft-${version & 0xff}`;
  return `0x${version.toString(16).padStart(4, '0')}`;
};

/** RFC 8701 §2: GREASE values are 0x0A0A, 0x1A1A, …, 0xFAFA (both octets equal, low nibble 0xA). */
export const isGrease = (value: number): boolean =>
  (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);

/** Orders versions so that TLS 1.3 drafts rank just below TLS 1.3 and unknown values lowest. */
const rank = (version: number): number => {
  if (version >> 8 === 0x7f) return 0x0303 + (version & 0xff) / 256;
  return names[version] ? version : -1;
};

/** The highest known version in a list (RFC 8446 §4.2.1 supported_versions), GREASE ignored. */
export const highestVersion = (versions: readonly number[]): number | undefined => {
  let best: number | undefined;
  for (const v of versions)
    if (!isGrease(v) && rank(v) >= 0 && (best === undefined || rank(v) > rank(best))) best = v;
  return best;
};
