/** Defensive readers for untrusted Kubernetes objects: a wrong type reads as absent, never as a crash. */

export type KubeObject = Record<string, unknown>;

export const asObject = (value: unknown): KubeObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as KubeObject) : {};

export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const asObjects = (value: unknown): KubeObject[] => asList(value).map(asObject);

export const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

export const asStrings = (value: unknown): string[] =>
  asList(value).filter((item): item is string => typeof item === 'string');

export const asStringMap = (value: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(asObject(value))) {
    if (typeof item === 'string') out[key] = item;
  }
  return out;
};

/** A nested field by dotted keys, or undefined when any step is missing. */
export const fieldAt = (value: unknown, ...keys: string[]): unknown => {
  let current: unknown = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as KubeObject)[key];
  }
  return current;
};

/** Renders an offending value for a message: strings quoted, everything else as JSON. */
export const showValue = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'unset' : JSON.stringify(value);

/**
 * A value as text for comparisons: a string as it is, anything else as JSON. Never `String(value)`: an object from a
 * request may carry its own `toString` or `valueOf` key, and then `String` throws.
 */
export const textOf = (value: unknown): string => (typeof value === 'string' ? value : showValue(value));
