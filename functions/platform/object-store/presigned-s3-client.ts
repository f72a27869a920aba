/** S3 object reads and writes over presigned URLs and fetch: the respond function needs no S3 SDK. */
import { AppError } from '#core/errors.ts';

export type PresignedS3Client = {
  put(key: string, body: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
};

/** `presign` gives a short-lived URL for one request (`createS3ObjectStore`'s SigV4 query signing). */
export const createPresignedS3Client = (
  presign: (method: 'GET' | 'PUT', key: string, expiresSeconds: number) => string,
  fetchImpl: typeof fetch = fetch,
): PresignedS3Client => ({
  async put(key, body) {
    const response = await fetchImpl(presign('PUT', key, 300), { method: 'PUT', body });
    if (!response.ok) {
      throw new AppError(
        'unavailable',
        `S3 PUT ${key} failed: HTTP ${response.status} ${await response.text()}`,
      );
    }
  },
  async get(key) {
    const response = await fetchImpl(presign('GET', key, 300));
    if (response.status === 404) return undefined;
    if (!response.ok) {
      throw new AppError(
        'unavailable',
        `S3 GET ${key} failed: HTTP ${response.status} ${await response.text()}`,
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  },
});
