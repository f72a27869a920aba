/**
 * Executable code fetched over HTTP: a response whose body is an ELF, PE, Mach-O or Java class file, or a shell,
 * Python or Perl script (decoded first when the server compressed it). A container that downloads programs at run
 * time has drifted from its image: a second stage after an exploit (Log4Shell's Exploit.class, a miner fetched by
 * `curl | sh`) looks like this, and nothing in a production image should need it.
 */
import { z } from 'zod';
import { readsFirst } from '../engine/event-read.ts';
import type { HttpResponseEvent } from '../events.ts';
import { executableKind } from '../protocols/executable-magic.ts';
import { decodedBody } from '../protocols/http-content-decoding.ts';
import { headerToken } from '../protocols/http-head.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('high', {
  /** Also report scripts (`#!/bin/sh`, Python, Perl...), not only compiled programs and class files. */
  scripts: z.boolean().default(true),
  /** Server addresses (`10.0.3.7` or `10.0.3.7:8081`) that serve executables on purpose: an artifact repository. */
  allowServers: z.array(z.string()).default([]),
});

/** Content types that announce executable code, for a body too short or too encoded to read. */
const executableTypes =
  /^application\/(x-executable|x-elf|x-sharedlib|x-msdownload|x-dosexec|java-vm|x-java-class|x-sh|x-shellscript)\b/;

const bodyKind = (event: HttpResponseEvent): string | undefined => {
  const body = decodedBody(event);
  const kind = body === undefined ? undefined : executableKind(body);
  if (kind !== undefined) return kind;
  const type = headerToken(event.headers, 'content-type');
  return executableTypes.test(type) ? `announced as ${type.split(';')[0]}` : undefined;
};

const article = (noun: string): string => (/^[AEIOU]/i.test(noun) ? 'an' : 'a');

export const executableDownload: Threat<typeof config, { reported: boolean }> = {
  id: 'executable-download',
  on: ['http-response'],
  // Responses within the summary bound (32 KiB a connection): `curl -O` and a second stage fetch on a fresh one.
  reads: [readsFirst('http-response')],
  config,
  scope: 'flow',
  initialState: () => ({ reported: false }),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'http-response' || state.reported || event.status < 200 || event.status >= 300)
      return noHits;
    const kind = bodyKind(event);
    if (kind === undefined || (!c.scripts && kind.endsWith(' script'))) return noHits;
    if (
      flow !== undefined &&
      c.allowServers.some((s) => s === flow.server.ip || s === `${flow.server.ip}:${flow.server.port}`)
    )
      return noHits;
    state.reported = true;
    return [
      {
        threat: 'executable-download',
        severity: c.severity,
        confidence: kind.startsWith('announced') ? 0.7 : 1,
        evidence: `the client received ${kind.startsWith('announced') ? `a body ${kind}` : `${article(kind)} ${kind}`} over HTTP`,
        ts: event.ts,
      },
    ];
  },
};
