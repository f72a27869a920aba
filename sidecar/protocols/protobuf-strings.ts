/**
 * Lists the text fields of a protobuf message read without its schema, with their field-number paths (`$.1.3`):
 * the values a gRPC client controls, as `jsonStrings` lists a JSON body's. Protobuf's wire format says only "length
 * delimited" for strings, bytes and nested messages alike, so a delimited field that is valid UTF-8 text is taken as
 * a string, and one that is not is read as a nested message if it parses as one to its end (bytes fields then give
 * nothing). Undefined when the bytes are not a protobuf message.
 */

import { leb128, utf8Text } from './wire-bytes.ts';

export type Leaf = [path: string, value: string];

const maxDepth = 8;
/** A protobuf varint: at most 10 octets (a 64-bit value). */
const varint = (bytes: Uint8Array, at: number) => leb128(bytes, at, 10);

type Field = { field: number; wireType: number; start: number; end: number };

/** The field at `at`: its number, wire type, where its value starts and where the field ends; undefined if malformed. */
const fieldAt = (bytes: Uint8Array, at: number): Field | undefined => {
  const tag = varint(bytes, at);
  if (tag === undefined || tag[0] < 8) return undefined; // field number 0 does not exist
  const [key, start] = tag;
  const field = Math.floor(key / 8);
  const wireType = key % 8;
  let end: number;
  if (wireType === 0) {
    const value = varint(bytes, start);
    if (value === undefined) return undefined;
    end = value[1];
  } else if (wireType === 1 || wireType === 5) end = start + (wireType === 1 ? 8 : 4);
  else if (wireType === 2) {
    const length = varint(bytes, start);
    if (length === undefined) return undefined;
    return { field, wireType, start: length[1], end: length[1] + length[0] };
  } else if (wireType === 3 || wireType === 4)
    end = start; // a group's start or end: a marker, no value
  else return undefined; // 6 and 7 do not exist
  return { field, wireType, start, end };
};

/** A length-delimited value: text is a leaf; anything else is tried as a nested message, kept only if it is one. */
const delimited = (inner: Uint8Array, path: string, depth: number, into: Leaf[]): void => {
  if (inner.length === 0) return;
  const text = utf8Text(inner);
  if (text !== undefined) {
    into.push([path, text]);
    return;
  }
  if (depth >= maxDepth) return;
  const mark = into.length;
  if (!walk(inner, path, depth + 1, into)) into.length = mark;
};

/** A field's path inside the groups open around it. */
const groupPath = (path: string, groups: readonly number[] | undefined): string =>
  groups === undefined || groups.length === 0 ? path : `${path}.${groups.join('.')}`;

/** A group's start or end: the groups open after it, or false when it closes another group or nests too deep. */
const groupMark = (groups: number[] | undefined, field: Field): number[] | undefined | false => {
  if (field.wireType === 4) return groups?.pop() === field.field ? groups : false;
  const open = groups ?? [];
  if (open.length >= maxDepth) return false;
  open.push(field.field);
  return open;
};

/**
 * Walks one message; false when the bytes are not a well-formed message (the caller then keeps nothing of it).
 * Groups (wire types 3 and 4, deprecated but still accepted by protobuf's parsers) are read inline: a group's fields
 * are its message's, under the group's field number, and each must end with its own number, or the bytes are not
 * a message. Before, a message with a group was taken for something else, and one later in a body was skipped.
 */
function walk(bytes: Uint8Array, path: string, depth: number, into: Leaf[]): boolean {
  // Made at the first group only: messages walked per request are many, groups rare.
  let groups: number[] | undefined;
  let at = 0;
  while (at < bytes.length) {
    const field = fieldAt(bytes, at);
    if (field === undefined || field.end > bytes.length) return false;
    if (field.wireType === 2)
      delimited(
        bytes.subarray(field.start, field.end),
        `${groupPath(path, groups)}.${field.field}`,
        depth,
        into,
      );
    else if (field.wireType === 3 || field.wireType === 4) {
      const open = groupMark(groups, field);
      if (open === false) return false;
      groups = open;
    }
    at = field.end;
  }
  return (groups?.length ?? 0) === 0;
}

/** A length-delimited value's text fields: itself when it is text, else its fields if it is a message, else none. */
export const delimitedStrings = (inner: Uint8Array, path: string): Leaf[] => {
  const leaves: Leaf[] = [];
  delimited(inner, path, 0, leaves);
  return leaves;
};

/**
 * Every text field, however many (ADR 30): each is a part of `bytes`, so they hold no more than it does. `cut`: the
 * message was cut short (a bounded body), so the fields before the cut are kept.
 */
export const protobufStrings = (bytes: Uint8Array, path = '$', cut = false): Leaf[] | undefined => {
  const leaves: Leaf[] = [];
  return walk(bytes, path, 0, leaves) || (cut && leaves.length > 0) ? leaves : undefined;
};
