/** Pod Security Standards versions: `latest` or `v1.N`, and picking the implementation a pinned version gets. */
import { z } from 'zod';

/** The newest Pod Security Standards version these checks implement. */
export const latestPsaMinor = 37;

export const psaParamsSchema = z
  .object({
    version: z
      .string()
      .regex(/^(latest|v1\.(0|[1-9]\d*))$/, 'must be "latest" or "v1.N", e.g. "v1.25"')
      .default('latest'),
  })
  .strict();
export type PsaParams = z.infer<typeof psaParamsSchema>;

/** The minor version a pin stands for; `latest` (and anything newer than we know) is the newest. */
export const psaMinor = (version: string): number =>
  version === 'latest' ? latestPsaMinor : Math.min(Number(version.slice(3)), latestPsaMinor);

/** The implementation with the highest minimum version not above the pinned one, as PSA's registry does. */
export const pickVersion = <T>(
  versions: readonly (readonly [number, T])[],
  version: string,
): T | undefined => {
  const minor = psaMinor(version);
  let chosen: T | undefined;
  for (const [minimum, implementation] of versions) {
    if (minimum <= minor) chosen = implementation;
  }
  return chosen;
};
