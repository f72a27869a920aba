/**
 * A multipart field's name as the request's inputs place it (`multipart <name>`, its first 64 characters), or
 * undefined for any other input, a JSON part's paths (`multipart data $.a`) and a file name (`… filename`).
 */
export const multipartFieldName = (where: string): string | undefined =>
  where.startsWith('multipart ') && !where.includes(' $') && !where.endsWith(' filename')
    ? where.slice(10)
    : undefined;
