/**
 * prototype-pollution on built requests. Payloads written here after lodash CVE-2019-10744 and CVE-2020-8203, qs
 * CVE-2022-24999, Kibana CVE-2019-7609 and PortSwigger's "Server-side prototype pollution" (2023).
 */
import { describe, expect, it } from 'vitest';
import type { Header, ProtocolEvent } from '#sidecar/events.ts';
import { prototypePollution } from '#sidecar/threats/prototype-pollution.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

const json: Header[] = [['Content-Type', 'application/json']];
const form: Header[] = [['Content-Type', 'application/x-www-form-urlencoded']];
const found = (event: ProtocolEvent, config?: Record<string, unknown>) =>
  runThreat(prototypePollution, [event], config === undefined ? {} : { config }).map((h) => [
    h.severity,
    h.evidence,
  ]);
const websocket = (text: string): ProtocolEvent => ({
  kind: 'websocket-message',
  ts: 1,
  direction: 'to-server',
  opcode: 'text',
  compressed: false,
  text,
  length: text.length,
});

describe('prototype-pollution: parameter names', () => {
  it.each([
    [
      '/a?__proto__[isAdmin]=1',
      'critical',
      'Object.prototype.isAdmin through __proto__ (a known privilege gadget)',
    ],
    ['/a?a[__proto__][polluted]=1', 'high', 'Object.prototype.polluted through __proto__ —'],
    [
      '/a?constructor[prototype][shell]=sh',
      'critical',
      'Object.prototype.shell through constructor.prototype',
    ],
    ['/a?__proto__.polluted=1', 'high', 'Object.prototype.polluted through __proto__'],
    ['/a?%5F%5Fproto%5F%5F%5Bpolluted%5D=1', 'high', 'query __proto__[polluted]: 1'],
    ['/a?__pr%6Fto__[polluted]=1', 'high', 'query __proto__[polluted]: 1'],
    [
      '/a?a[__proto__]=b&a[__proto__]&a[length]=100000000',
      'high',
      'Object.prototype itself through __proto__',
    ],
  ])('%s: %s', (target, severity, evidence) => {
    const [hit] = found(httpRequest(target));
    expect(hit?.[0]).toBe(severity);
    expect(hit?.[1]).toContain(evidence);
  });

  it('reads a form body and a name past the 64 characters the inputs keep', () => {
    const body = `q=1&user${'[a]'.repeat(30)}[__proto__][NODE_OPTIONS]=--require%20/tmp/x`;
    const [hit] = found(httpRequest('/a', { body, headers: form }));
    expect(hit?.[0]).toBe('critical');
    expect(hit?.[1]).toContain(
      'Object.prototype.NODE_OPTIONS through __proto__ (a known code execution gadget)',
    );
  });

  it.each([
    'a=1&%5F%5Fproto%5F%5F%5Bpolluted%5D=1',
    'a=1&__pr%6Fto__%5Bpolluted%5D=1',
    'a[constructor][prototype][polluted]=1',
  ])('reads a form body whose names spell a step only once decoded, or in plain words: %s', (body) => {
    expect(found(httpRequest('/a', { body, headers: form }))[0]?.[1]).toContain('Object.prototype.polluted');
  });

  it('reads a multipart field name', () => {
    const body =
      '--b\r\nContent-Disposition: form-data; name="__proto__[outputFunctionName]"\r\n\r\nx;process.exit()//\r\n--b--\r\n';
    const headers: Header[] = [['Content-Type', 'multipart/form-data; boundary=b']];
    expect(found(httpRequest('/a', { body, headers }))[0]?.[0]).toBe('critical');
  });
});

describe('prototype-pollution: JSON keys and set paths', () => {
  it.each([
    [
      '{"__proto__":{"isAdmin":true}}',
      'critical',
      'a JSON key writing Object.prototype.isAdmin through __proto__',
    ],
    [
      '{"user":{"profile":{"__proto__":{"polluted":1}}}}',
      'high',
      'json $.user.profile.__proto__ key: polluted',
    ],
    [
      '{"constructor":{"prototype":{"env":{"NODE_OPTIONS":"--inspect"}}}}',
      'critical',
      'Object.prototype.env through constructor.prototype',
    ],
    ['{"\\u005f_proto__":{"polluted":1}}', 'high', 'Object.prototype.polluted'],
    ['[{"a":1},{"__proto__":{"role":"admin"}}]', 'critical', 'json $[1].__proto__ key: role'],
    ['{"path":"__proto__.isAdmin","value":true}', 'critical', 'a set path writing Object.prototype.isAdmin'],
    ['{"__proto__.polluted":"yes"}', 'high', 'a set path writing Object.prototype.polluted'],
  ])('%s: %s', (body, severity, evidence) => {
    const [hit] = found(httpRequest('/api', { body, headers: json }));
    expect(hit?.[0]).toBe(severity);
    expect(hit?.[1]).toContain(evidence);
  });

  it('reads a WebSocket JSON message and a set path in a query value', () => {
    expect(found(websocket('{"op":"merge","data":{"__proto__":{"client":true}}}'))[0]?.[0]).toBe('critical');
    expect(found(httpRequest('/set?key=constructor.prototype.polluted&v=1'))[0]?.[1]).toContain('query key');
  });
});

describe('prototype-pollution: look-alikes left alone', () => {
  it.each([
    httpRequest('/docs/search?q=__proto__'),
    httpRequest('/docs/search?q=Object.prototype.__proto__%20and%20constructor.prototype%20explained'),
    httpRequest('/a?constructor=Ford&prototype=P1&constructor[name]=x'),
    httpRequest('/a?utm_source=x&a%5Bb%5D=1&%5F=1'),
    httpRequest('/api', {
      body: '{"constructor":{"name":"Ada","year":1843},"prototype":{"id":1}}',
      headers: json,
    }),
    httpRequest('/api', { body: '{"text":"Never assign obj.__proto__ = {} in a merge"}', headers: json }),
    httpRequest('/api', { body: '{"__proto__":null,"a":1}', headers: json }),
    httpRequest('/wiki', {
      body: 'title=Prototype+pollution&body=Keys+like+__proto__%5Bx%5D+are+dangerous',
      headers: form,
    }),
  ])('%#', (event) => {
    expect(found(event)).toEqual([]);
  });

  it('leaves an ignored place alone', () => {
    expect(found(httpRequest('/a?__proto__[x]=1'), { ignore: ['query'] })).toEqual([]);
  });
});
