/** Item codecs for the DynamoDB stores: keys, JSON bodies in `data`, numeric TTL seconds, read-side expiry. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { AppError } from '#core/errors.ts';

export type Item = Record<string, AttributeValue>;
export type Key = { pk: AttributeValue; sk: AttributeValue };

export const str = (value: string): AttributeValue => ({ S: value });
export const num = (value: number): AttributeValue => ({ N: String(value) });

/** DynamoDB refuses an empty key string: say which key was empty instead of a ValidationException. */
export const itemKey = (pk: string, sk: string): Key => {
  if (sk === '')
    throw new AppError('bad-request', `an empty key cannot be stored or looked up (under ${pk})`);
  return { pk: str(pk), sk: str(sk) };
};

/** Optional string attributes (GSI keys, filter columns) that are simply absent when undefined. */
export type Extra = Record<string, string | number | undefined>;

/**
 * An item whose record lives as JSON in `data`: one opaque body keeps the record exactly as the SQLite
 * adapter keeps it (no empty-string or number-precision surprises), with keys and filter columns beside it.
 */
export const bodyItem = (pk: string, sk: string, data: unknown, extra: Extra = {}): Item => {
  const item: Item = { ...itemKey(pk, sk), data: str(JSON.stringify(data)) };
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) continue;
    item[name] = typeof value === 'number' ? num(value) : str(value);
  }
  return item;
};

export const dataOf = <T>(item: Item): T => {
  const data = item.data?.S;
  if (data === undefined)
    throw new AppError('internal', `DynamoDB item ${item.pk?.S ?? '?'} / ${item.sk?.S ?? '?'} has no data`);
  return JSON.parse(data) as T;
};

export const numberOf = (item: Item, name: string): number | undefined => {
  const value = item[name]?.N;
  return value === undefined ? undefined : Number(value);
};

/** Epoch seconds of an ISO time, for the TTL attribute; undefined (no TTL) when it does not parse. */
export const ttlSeconds = (iso: string, graceSeconds = 0): number | undefined => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : Math.ceil(ms / 1000) + graceSeconds;
};

export const keyOf = (item: Item): string => `${item.pk?.S ?? ''}\u0000${item.sk?.S ?? ''}`;
