/** The object-store seam for packet captures: a URL the tap can PUT to, and a link people can open. */

export type ObjectStore = {
  /** A URL that accepts one HTTP PUT of the object until it expires (an S3 presigned PUT, or the local route). */
  uploadUrl(key: string, expiresSeconds: number): Promise<string>;
  /** Where a person fetches the object (shown in Slack). */
  link(key: string): Promise<string>;
  put(key: string, body: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
};

/** Keys are `captures/<id>.pcap`-like paths: no `..`, no leading slash, a small alphabet. */
export const isSafeKey = (key: string): boolean =>
  /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(key) &&
  !key.includes('..') &&
  key.length <= 512;
