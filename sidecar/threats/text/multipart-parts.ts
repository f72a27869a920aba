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
  const part: MultipartPart = { name: name?.[1] ?? name?.[2] ?? '', content: content.replace(/\r?\n$/, '') };
  if (filename !== null) part.filename = filename[1] ?? filename[2] ?? '';
  const type = headerValue(headers, 'content-type');
  if (type !== undefined) part.contentType = type.toLowerCase();
  return part;
};

export const multipartParts = (
  text: string,
  contentType: string,
  max: number,
): MultipartPart[] | undefined => {
  const value = multipartBoundary(contentType);
  if (value === undefined) return undefined;
  const pieces = text.split(`--${value}`);
  if (pieces.length < 2) return undefined;
  const parts: MultipartPart[] = [];
  // pieces[0] is the preamble; a piece starting with "--" follows the closing delimiter.
  for (const piece of pieces.slice(1)) {
    if (piece.startsWith('--') || parts.length >= max) break;
    const part = readPart(piece);
    if (part !== undefined) parts.push(part);
  }
  return parts;
};
