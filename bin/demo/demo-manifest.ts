/** The bundled demo's manifest (demo/pods.json): the pods a tap is emulated for, the incident, the true call graph. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '#core/errors.ts';

const demoPodSchema = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  uid: z.string().min(1),
  ip: z.string().min(1),
  labels: z.record(z.string(), z.string()),
  serviceAccount: z.string().min(1),
  owner: z.object({ kind: z.string().min(1), name: z.string().min(1) }),
});
export type DemoManifestPod = z.infer<typeof demoPodSchema>;

export const demoManifestSchema = z.object({
  capture: z.string().min(1),
  /** Capture time (epoch ms) from which the packets are the incident, replayed after the baseline is learned. */
  incidentAt: z.number(),
  incident: z.object({ monitor: z.string().regex(/^[^/]+\/[^/]+$/) }),
  pods: z.array(demoPodSchema).min(1),
  externals: z.array(z.object({ name: z.string(), ip: z.string() })),
  callGraph: z.array(
    z.object({ from: z.string(), to: z.string(), port: z.number().int(), protocol: z.string() }),
  ),
});
export type DemoManifest = z.infer<typeof demoManifestSchema>;

/** Where `npm run demo:capture` writes the bundled capture and manifest. */
export const bundledDemoDir = join(import.meta.dirname, '..', '..', 'demo');

export const loadDemoManifest = (dir: string): DemoManifest => {
  const path = join(dir, 'pods.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AppError('config-invalid', `demo manifest ${path} unreadable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = demoManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'config-invalid',
      `demo manifest ${path}: ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return parsed.data;
};
