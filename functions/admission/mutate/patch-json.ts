/**
 * RFC 6902 patch text. Values that are the same for every pod (the tap's container and volumes, built once per
 * configuration) are frozen and carry their JSON text, so a review does not serialize them again; the text is
 * exactly what JSON.stringify gives for the whole patch.
 */
import type { PatchOperation } from './build-patch.ts';

const texts = new WeakMap<object, string>();

const deepFreeze = (value: unknown): void => {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  for (const child of Object.values(value)) deepFreeze(child);
  Object.freeze(value);
};

/** Freezes `value` (deeply, so its text can never go stale) and remembers its JSON text. */
export const withJsonText = <T extends object>(value: T): T => {
  deepFreeze(value);
  texts.set(value, JSON.stringify(value));
  return value;
};

const valueText = (value: unknown): string =>
  (typeof value === 'object' && value !== null ? texts.get(value) : undefined) ?? JSON.stringify(value);

/** The same text as `JSON.stringify(operations)`. */
export const patchJson = (operations: readonly PatchOperation[]): string => {
  let text = '';
  for (const operation of operations) {
    text += `${text === '' ? '[' : ','}{"op":"${operation.op}","path":${JSON.stringify(operation.path)},"value":${valueText(operation.value)}}`;
  }
  return text === '' ? '[]' : `${text}]`;
};
