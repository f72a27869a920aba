/** The label, annotations and policy name quarantine writes, and how a pod's prior values are remembered. */

export const quarantineLabel = 'meshward.io/quarantine';
export const quarantinePolicyName = 'meshward-quarantine';
export const managedByLabel = 'app.kubernetes.io/managed-by';
export const quarantineAnnotations = {
  by: 'meshward.io/quarantined-by',
  at: 'meshward.io/quarantined-at',
  reason: 'meshward.io/quarantine-reason',
  finding: 'meshward.io/quarantine-finding',
  /** JSON of every label and annotation value quarantine changed, as it was before (null: absent). */
  restore: 'meshward.io/quarantine-restore',
} as const;

export type RestoreRecord = {
  labels: Record<string, string | null>;
  annotations: Record<string, string | null>;
};

/** The prior value of each key in `next`, null where it was absent: merging this back undoes the change exactly. */
export const priorValues = (
  current: Record<string, string> | undefined,
  next: Record<string, string | null>,
): Record<string, string | null> =>
  Object.fromEntries(Object.keys(next).map((key) => [key, current?.[key] ?? null]));

/** Reads the restore record; a missing or damaged one restores only what quarantine always sets. */
export const readRestore = (annotations: Record<string, string> | undefined): RestoreRecord => {
  const fallback: RestoreRecord = {
    labels: { [quarantineLabel]: null },
    annotations: Object.fromEntries(Object.values(quarantineAnnotations).map((key) => [key, null])),
  };
  const raw = annotations?.[quarantineAnnotations.restore];
  if (raw === undefined) return fallback;
  try {
    const parsed = JSON.parse(raw) as Partial<RestoreRecord>;
    return {
      labels: { ...fallback.labels, ...parsed.labels },
      annotations: { ...fallback.annotations, ...parsed.annotations },
    };
  } catch {
    return fallback;
  }
};
