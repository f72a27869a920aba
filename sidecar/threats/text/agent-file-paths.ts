/**
 * The paths a monitoring agent is asked to read, judged against a list of sensitive places: normalized first (`//`,
 * `/./` and `/../` undone, quotes gone) so `/etc/./shadow` is `/etc/shadow`, then found anywhere in the path, so a
 * host's root mounted into the agent's pod (`/host/etc/shadow`, `/rootfs/var/run/secrets/…`) counts too.
 */

/** The path as the kernel resolves it, as far as text tells (symbolic links aside). */
export const normalizedPath = (path: string): string => {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `${absolute ? '/' : ''}${parts.join('/')}`;
};

/**
 * The entry of `sensitive` the path falls under: a directory entry (ending in `/`) holds the directory itself and
 * everything under it; a file entry, the file and names it starts (`/etc/shadow-`, the backup).
 */
export const sensitiveEntry = (path: string, sensitive: readonly string[]): string | undefined => {
  const normalized = `${normalizedPath(path)}/`;
  return sensitive.find((entry) => normalized.includes(entry));
};
