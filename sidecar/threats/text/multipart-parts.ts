/**
 * The parts of a multipart/form-data body (RFC 7578): each part's field name, file name and content, so that a
 * field is judged on its own, as the application reads it, and an uploaded file's name is judged too (`../` in a
 * filename is a classic). Undefined when the body does not hold the boundary the Content-Type names.
 */

import { multipartBoundary } from '../../protocols/multipart-tail.ts';

export type MultipartPart = { name: string; filename?: string; contentType?: string; content: string };

const dispositionName = /;\s*name\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;
const dispositionFilename = /;\s*filename\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

const headerBlock = (part: string): { headers: string; content: string } => {
  const crlf = part.indexOf('\r\n\r\n');
  const lf = part.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf))
    return { headers: part.slice(0, crlf), content: part.slice(crlf + 4) };
  if (lf >= 0) return { headers: part.slice(0, lf), content: part.slice(lf + 2) };
  return { headers: part, content: '' };
};

const headerValue = (headers: string, name: string): string | undefined => {
  for (const line of headers.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
};

const readPart = (raw: string): MultipartPart | undefined => {
  const { headers, content } = headerBlock(raw.replace(/^\r?\n/, ''));
  const disposition = headerValue(headers, 'content-disposition');
  if (disposition === undefined) return undefined;
  const name = dispositionName.exec(disposition);
  const filename = dispositionFilename.exec(disposition);
  const part: MultipartPart = { name: name?.[1] ?? name?.[2] ?? '', content };
  if (filename !== null) part.filename = filename[1] ?? filename[2] ?? '';
  const type = headerValue(headers, 'content-type');
  if (type !== undefined) part.contentType = type.toLowerCase();
  return part;
};

/**
 * A close (`--` after the boundary) ends the form for every server after CRLF, or opening the body; after a bare line
 * end, only what follows it can be a value to a server that reads on.
 */
const formEnds = (lineEnd: string, piece: string): boolean =>
  piece.startsWith('--') && (lineEnd === '\r\n' || lineEnd === '' || piece.slice(2).trim() === '');

/**
 * A piece after `delimiter` (with its line end): a part, or, when it is none (or a close read on), the rest of the
 * part before it. False when a part is past `max`.
 */
const addPiece = (parts: MultipartPart[], delimiter: string, piece: string, max: number): boolean => {
  const part = piece.startsWith('--') ? undefined : readPart(piece);
  const previous = parts.at(-1);
  if (part === undefined && previous !== undefined) previous.content += `${delimiter}${piece}`;
  if (part === undefined) return true;
  if (parts.length >= max) return false;
  parts.push(part);
  return true;
};

/** RegExp source for `text` as it is. */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Splits at delimiters (RFC 2046 §5.1.1: CRLF, `--` and the boundary; the first may open the body) at a line's start
 * only, the line end taken with them. Found anywhere, `--boundary` in a field's value cut the value there (the rest, no
 * part, was dropped) and `--boundary--` ended the form, while every server read the value whole. Servers differ on a
 * bare LF or CR before one (Go after a first LF-only line, PHP and Werkzeug split there; busboy, Commons FileUpload and
 * Rack do not), so the splitter splits there too, loses nothing to the servers that do not: a piece that is no part
 * is judged with the part before it, and a close after a bare line end reads on.
 */
export const multipartParts = (
  text: string,
  contentType: string,
  max: number,
): MultipartPart[] | undefined => {
  const value = multipartBoundary(contentType);
  if (value === undefined) return undefined;
  // [preamble, line end, piece, line end, piece, ...]: a split with a group keeps what the group matched.
  const pieces = text.split(new RegExp(`(^|\\r\\n|\\r|\\n)--${literal(value)}`));
  if (pieces.length < 3) return undefined;
  const parts: MultipartPart[] = [];
  for (let at = 2; at < pieces.length; at += 2) {
    const lineEnd = pieces[at - 1] ?? '';
    const piece = pieces[at] ?? '';
    if (formEnds(lineEnd, piece) || !addPiece(parts, `${lineEnd}--${value}`, piece, max)) break;
  }
  return parts;
};
