/**
 * Arguments for `openssl req` that write a throwaway self-signed P-256 certificate and key, valid one day. The name
 * is a common name, or a whole subject when it starts with `/` (`/O=Shop/CN=a/CN=b`); `extra` goes last.
 */
export const selfSignedCertArgs = (
  key: string,
  cert: string,
  commonName: string,
  extra: readonly string[] = [],
): string[] => [
  'req',
  '-x509',
  '-newkey',
  'ec',
  '-pkeyopt',
  'ec_paramgen_curve:P-256',
  '-nodes',
  '-keyout',
  key,
  '-out',
  cert,
  '-days',
  '1',
  '-subj',
  commonName.startsWith('/') ? commonName : `/CN=${commonName}`,
  ...extra,
];
