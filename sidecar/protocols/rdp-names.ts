/** The names of RDP's negotiation and Standard RDP Security values ([MS-RDPBCGR] §2.2.1.1.1, §2.2.1.2.2, §2.2.1.4.3). */

/** requestedProtocols / selectedProtocol bits, in their order. */
const securityProtocols: readonly (readonly [number, string])[] = [
  [0x01, 'ssl'],
  [0x02, 'hybrid'],
  [0x04, 'rdstls'],
  [0x08, 'hybrid-ex'],
  [0x10, 'rdsaad'],
];

/** `ssl,hybrid` for 3; `rdp` for 0 (Standard RDP Security alone); unknown bits as hex. */
export const protocolNames = (bits: number): string => {
  if (bits === 0) return 'rdp';
  const names = securityProtocols.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name);
  const known = securityProtocols.reduce((all, [bit]) => all | bit, 0);
  const unknown = bits & ~known;
  if (unknown !== 0) names.push(`0x${(unknown >>> 0).toString(16)}`);
  return names.join(',');
};

/** RDP_NEG_FAILURE's failureCode, 1 to 6. */
const failureCodes = [
  'SSL_REQUIRED_BY_SERVER',
  'SSL_NOT_ALLOWED_BY_SERVER',
  'SSL_CERT_NOT_ON_SERVER',
  'INCONSISTENT_FLAGS',
  'HYBRID_REQUIRED_BY_SERVER',
  'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER',
];

export const failureName = (code: number): string => failureCodes[code - 1] ?? `0x${code.toString(16)}`;

/** Encryption method bits of CS_SECURITY and SC_SECURITY (§2.2.1.3.3). */
const encryptionMethods: readonly (readonly [number, string])[] = [
  [0x01, '40bit'],
  [0x02, '128bit'],
  [0x08, '56bit'],
  [0x10, 'fips'],
];

/** `40bit,128bit`; `none` for 0. */
export const encryptionNames = (bits: number): string => {
  const names = encryptionMethods.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name);
  return names.length === 0 ? 'none' : names.join(',');
};

/** SC_SECURITY's encryptionLevel (§2.2.1.4.3): 0 to 4. */
const levels = ['none', 'low', 'client-compatible', 'high', 'fips'];

export const encryptionLevelName = (level: number): string => levels[level] ?? `0x${level.toString(16)}`;
