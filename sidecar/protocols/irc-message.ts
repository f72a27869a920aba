/**
 * IRC lines (RFC 1459 §2.3, RFC 2812 §2.3, IRCv3 message tags): `[@tags ][:prefix ]COMMAND params[ :trailing]`,
 * CR LF ended (a bare LF is accepted, as servers do). What a client sends to register (CAP, PASS, NICK, USER) and
 * what a server opens with (a NOTICE, a CAP answer, a numeric reply) decide detection.
 */

export type IrcLine = { prefix?: string; command: string; params: string[] };

/** At most 512 octets with CR LF (RFC 2812); IRCv3 tags may add 8191; longer lines are not IRC. */
export const maxIrcLine = 8704;

/** RFC 2812 nickname characters (letters, digits, special), up to 30 (servers allow more than 9). */
const nickname = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]{0,29}$/;
const command = /^(?:[A-Za-z]{1,16}|\d{3})$/;

/** One line's parts, or undefined when it is not an IRC message. */
export const parseIrcLine = (raw: string): IrcLine | undefined => {
  let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line === '' || line.length > maxIrcLine || /[\0\r\n]/.test(line)) return undefined;
  if (line.startsWith('@')) {
    const space = line.indexOf(' ');
    if (space < 0) return undefined;
    line = line.slice(space + 1);
  }
  let prefix: string | undefined;
  if (line.startsWith(':')) {
    const space = line.indexOf(' ');
    if (space < 2) return undefined;
    prefix = line.slice(1, space);
    line = line.slice(space + 1);
  }
  const trailingAt = line.indexOf(' :');
  const head = trailingAt < 0 ? line : line.slice(0, trailingAt);
  const words = head.split(' ').filter((w) => w !== '');
  const name = words.shift();
  if (name === undefined || !command.test(name)) return undefined;
  if (trailingAt >= 0) words.push(line.slice(trailingAt + 2));
  return prefix === undefined
    ? { command: name.toUpperCase(), params: words }
    : { prefix, command: name.toUpperCase(), params: words };
};

export const isNickname = (text: string | undefined): boolean => text !== undefined && nickname.test(text);

/** A line a client registers with: CAP LS / REQ / END, PASS, NICK with a valid nickname, USER with four params. */
export const isRegistration = (line: IrcLine): boolean => {
  if (line.prefix !== undefined) return false;
  switch (line.command) {
    case 'CAP':
      return ['LS', 'REQ', 'END'].includes(line.params[0]?.toUpperCase() ?? '');
    case 'PASS':
      return line.params.length === 1;
    case 'NICK':
      return line.params.length === 1 && isNickname(line.params[0]);
    case 'USER':
      return line.params.length === 4;
    default:
      return false;
  }
};

/** A server's opening: a NOTICE (to `*`, `AUTH` or a nick), a CAP answer, a numeric reply to a nick, a PING. */
export const isServerOpening = (line: IrcLine): boolean => {
  if (line.command === 'NOTICE')
    return (
      line.params.length === 2 &&
      (line.params[0] === '*' || line.params[0] === 'AUTH' || isNickname(line.params[0]))
    );
  if (line.prefix === undefined) return line.command === 'PING' && line.params.length === 1;
  if (line.command === 'CAP') return line.params.length >= 3;
  return (
    /^\d{3}$/.test(line.command) &&
    line.params.length >= 2 &&
    (line.params[0] === '*' || isNickname(line.params[0]))
  );
};
