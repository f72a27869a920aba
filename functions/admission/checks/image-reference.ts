/** Parses a container image reference the way the container runtimes do: registry host:port, path, tag, digest. */

export type ImageReference = {
  /** `docker.io` when the reference names none. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
};

/** The first path component is a registry when it has a dot or a port, or is `localhost` (distribution's rule). */
const isRegistry = (component: string): boolean =>
  component.includes('.') || component.includes(':') || component === 'localhost';

export const imageReference = (image: string): ImageReference => {
  const [withoutDigest = '', digest] = image.split('@', 2);
  const slash = withoutDigest.indexOf('/');
  const first = slash === -1 ? '' : withoutDigest.slice(0, slash);
  const hasRegistry = slash !== -1 && isRegistry(first);
  const registry = hasRegistry ? first : 'docker.io';
  const rest = hasRegistry ? withoutDigest.slice(slash + 1) : withoutDigest;
  // A tag is a colon in the last path component; a colon before a slash belongs to a registry port.
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : undefined;
  const path = tag === undefined ? rest : rest.slice(0, colon);
  const repository = registry === 'docker.io' && !path.includes('/') ? `library/${path}` : path;
  const reference: ImageReference = { registry, repository };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return reference;
};
