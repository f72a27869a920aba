/**
 * The names AJP13 sends as codes (the Apache Tomcat Connector's protocol reference, ajpv13a; Tomcat's
 * `org.apache.coyote.ajp.Constants`): request methods, request and response header names, request attributes.
 */

/** Method codes 1-27: HTTP's, then WebDAV's (RFC 4918) and DeltaV's (RFC 3253). */
export const ajpMethods: readonly string[] = [
  '',
  'OPTIONS',
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'TRACE',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'ACL',
  'REPORT',
  'VERSION-CONTROL',
  'CHECKIN',
  'CHECKOUT',
  'UNCHECKOUT',
  'SEARCH',
  'MKWORKSPACE',
  'UPDATE',
  'LABEL',
  'MERGE',
  'BASELINE-CONTROL',
  'MKACTIVITY',
];

/** 0xFF: the method is in the `stored_method` attribute (one not in the list). */
export const storedMethodCode = 0xff;

/** Request header codes 0xA001-0xA00E, lower-cased as HTTP/1's parser keeps names. */
export const ajpRequestHeaders: readonly string[] = [
  '',
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'authorization',
  'connection',
  'content-type',
  'content-length',
  'cookie',
  'cookie2',
  'host',
  'pragma',
  'referer',
  'user-agent',
];

/** Response header codes 0xA001-0xA00B. */
export const ajpResponseHeaders: readonly string[] = [
  '',
  'content-type',
  'content-language',
  'content-length',
  'date',
  'last-modified',
  'location',
  'set-cookie',
  'set-cookie2',
  'servlet-engine',
  'status',
  'www-authenticate',
];

/**
 * Attribute codes 0x01-0x0D by Tomcat's name. 0x0A (`req_attribute`) is a name and value pair and is kept by its own
 * name; 0x0B (`ssl_key_size`) is an integer; 0xFF ends the list.
 */
export const ajpAttributes: readonly string[] = [
  '',
  'context',
  'servlet_path',
  'remote_user',
  'auth_type',
  'query_string',
  'route',
  'ssl_cert',
  'ssl_cipher',
  'ssl_session',
  'req_attribute',
  'ssl_key_size',
  'secret',
  'stored_method',
];
export const reqAttributeCode = 0x0a;
export const keySizeCode = 0x0b;
export const secretCode = 0x0c;
export const attributesEnd = 0xff;

/** Client packet prefix codes. */
export const forwardRequestCode = 2;
export const shutdownCode = 7;
export const pingCode = 8;
export const cpingCode = 10;
/** Server packet prefix codes. */
export const sendBodyChunkCode = 3;
export const sendHeadersCode = 4;
export const endResponseCode = 5;
export const getBodyChunkCode = 6;
export const cpongCode = 9;
