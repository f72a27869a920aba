/**
 * The user a SASL exchange names, for login outcomes: PLAIN's authentication identity (RFC 4616: `[authzid] NUL
 * authcid NUL passwd`, base64 in POP3, IMAP and SMTP) or LOGIN's first answer (the user name, base64). The password
 * is never turned into a string; only the identity is returned, and only when it is printable.
 */

const maxUser = 64;

const printable = (text: string): string | undefined =>
  text !== '' && /^[\x20-\x7e]+$/.test(text) ? text.slice(0, maxUser) : undefined;

/** The authcid of a base64 PLAIN message, or undefined when it is not one. */
export const saslPlainUser = (base64: string): string | undefined => {
  if (!/^[A-Za-z0-9+/]+=*$/.test(base64)) return undefined;
  const bytes = Buffer.from(base64, 'base64');
  const first = bytes.indexOf(0);
  const second = first < 0 ? -1 : bytes.indexOf(0, first + 1);
  return second < 0 ? undefined : printable(bytes.subarray(first + 1, second).toString('latin1'));
};

/** LOGIN's first client answer: the user name, base64. */
export const saslLoginUser = (base64: string): string | undefined =>
  /^[A-Za-z0-9+/]+=*$/.test(base64) ? printable(Buffer.from(base64, 'base64').toString('latin1')) : undefined;

/** The user a mechanism's first client message names (PLAIN and LOGIN), else undefined. */
export const saslUser = (mechanism: string, base64: string): string | undefined => {
  const upper = mechanism.toUpperCase();
  if (upper === 'PLAIN') return saslPlainUser(base64);
  return upper === 'LOGIN' ? saslLoginUser(base64) : undefined;
};
