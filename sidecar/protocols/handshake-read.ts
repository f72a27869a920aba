/**
 * Readers of binary handshake messages (SOCKS, VNC): each answers the message and its size, `short` when the bytes
 * so far are a true prefix of one, or undefined when they cannot be one.
 */
export type Short = 'short';
export type Read<T> = (T & { size: number }) | Short | undefined;

/** A message's size once `use` has taken it; 0 to wait for more octets, -1 when they cannot be the message. */
export const consumed = <T>(read: Read<T>, use: (message: T & { size: number }) => void): number => {
  if (read === 'short') return 0;
  if (read === undefined) return -1;
  use(read);
  return read.size;
};
