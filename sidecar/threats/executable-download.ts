/**
 * Executable code fetched over HTTP or FTP: a response body (decoded first when the server compressed it) or a file on
 * an FTP data connection that is an ELF, PE, Mach-O or Java class file, or a shell, Python or Perl script. A container
 * that downloads programs at run time has drifted from its image: a second stage after an exploit (Log4Shell's
 * Exploit.class, a miner fetched by `curl | sh`) looks like this, and nothing in a production image should need it.
 */
import { z } from 'zod';
import { readsFirst } from '../engine/event-read.ts';
import type { FileDataEvent, HttpResponseEvent } from '../events.ts';
import { executableKind } from '../protocols/executable-magic.ts';
import { fileHeadBytes } from '../protocols/ftp-data.ts';
import { decodedBody } from '../protocols/http-content-decoding.ts';
import { headerToken } from '../protocols/http-head.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { detectorConfig, type FlowContext, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('high', {
  /** Also report scripts (`#!/bin/sh`, Python, Perl...), not only compiled programs and class files. */
  scripts: z.boolean().default(true),
  /** Server addresses (`10.0.3.7` or `10.0.3.7:8081`) that serve executables on purpose: an artifact repository. */
  allowServers: allowList(),
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

type Config = z.infer<typeof config>;

const overHttp = (event: HttpResponseEvent, flow: FlowContext | undefined, c: Config): ThreatHit[] => {
  if (event.status < 200 || event.status >= 300) return noHits;
  const kind = bodyKind(event);
  if (
    kind === undefined ||
    (!c.scripts && kind.endsWith(' script')) ||
    isAllowedServer(flow?.server, c.allowServers)
  )
    return noHits;
  return [
    {
      threat: 'executable-download',
      severity: c.severity,
      confidence: kind.startsWith('announced') ? 0.7 : 1,
      evidence: `the client received ${kind.startsWith('announced') ? `a body ${kind}` : `${article(kind)} ${kind}`} over HTTP`,
      ts: event.ts,
    },
  ];
};

const overFtp = (event: FileDataEvent, flow: FlowContext | undefined, c: Config): ThreatHit[] => {
  const kind = executableKind(event.head);
  if (kind === undefined || (!c.scripts && kind.endsWith(' script'))) return noHits;
  // A data connection may be opened either way (passive or active mode): the file went from one side to the other.
  // The allow-list names the side that sent it.
  const [sender, receiver] =
    event.direction === 'to-client' ? [flow?.server, flow?.client] : [flow?.client, flow?.server];
  if (isAllowedServer(sender, c.allowServers)) return noHits;
  return [
    {
      threat: 'executable-download',
      severity: c.severity,
      confidence: 1,
      evidence: `${receiver?.ip ?? 'a host'} received ${article(kind)} ${kind} over an FTP data connection`,
      ts: event.ts,
    },
  ];
};

export const executableDownload: Threat<typeof config, { reported: boolean }> = {
  id: 'executable-download',
  on: ['http-response', 'file-data'],
  reads: [
    // Responses within the summary bound (32 KiB a connection): `curl -O` and a second stage fetch on a fresh one.
    readsFirst('http-response'),
    // An FTP file's first octets (ftp-data.ts): each transfer is a connection of its own.
    readsFirst('file-data', fileHeadBytes),
  ],
  config,
  scope: 'flow',
  initialState: () => ({ reported: false }),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (state.reported) return noHits;
    let hits = noHits;
    if (event.kind === 'http-response') hits = overHttp(event, flow, c);
    else if (event.kind === 'file-data') hits = overFtp(event, flow, c);
    if (hits.length > 0) state.reported = true;
    return hits;
  },
};
