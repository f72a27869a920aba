/**
 * Where an FTP data connection will go, from the control connection's words (RFC 959 §4.1.2 PASV and PORT, RFC 2428
 * EPSV and EPRT): `h1,h2,h3,h4,p1,p2` names an IPv4 address and port p1×256+p2; EPSV's `(|||port|)` names only a
 * port; EPRT's `|1|address|port|` or `|2|address|port|` names both. Anything else, or a port out of range: nothing.
 */

export type DataAddress = { ip?: string; port: number };

const validPort = (port: number): boolean => Number.isInteger(port) && port > 0 && port <= 65_535;

/** `h1,h2,h3,h4,p1,p2` anywhere in the text (PASV answers put it in parentheses, or not). */
export const hostPort = (text: string): DataAddress | undefined => {
  const m = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(text);
  if (m === null) return undefined;
  const n = m.slice(1).map(Number);
  if (n.some((v) => v > 255)) return undefined;
  const port = (n[4] as number) * 256 + (n[5] as number);
  return validPort(port) ? { ip: n.slice(0, 4).join('.'), port } : undefined;
};

/** EPSV's answer: `(<d><d><d>port<d>)`, the delimiter any printable character. */
export const extendedPassivePort = (text: string): DataAddress | undefined => {
  const m = /\(([!-~])\1\1(\d{1,5})\1\)/.exec(text);
  const port = m === null ? Number.NaN : Number(m[2]);
  return validPort(port) ? { port } : undefined;
};

/** EPRT's argument: `<d>1|2<d>address<d>port<d>`. */
export const extendedPort = (argument: string): DataAddress | undefined => {
  const m = /^([!-~])([12])\1([0-9A-Fa-f.:]+)\1(\d{1,5})\1$/.exec(argument);
  const port = m === null ? Number.NaN : Number(m[4]);
  return m !== null && validPort(port) ? { ip: (m[3] as string).toLowerCase(), port } : undefined;
};
