/** Arguments for `openssl req` that write a throwaway self-signed P-256 certificate and key, valid one day. */
export const selfSignedCertArgs = (key: string, cert: string, commonName: string): string[] => [
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
  `/CN=${commonName}`,
];
