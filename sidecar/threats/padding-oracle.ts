/**
 * CBC padding oracle attacks (Vaudenay 2002) on the tokens an application encrypts for its clients: Apache Shiro's
 * `rememberMe` after its fix for CVE-2016-4437 (Shiro-721, CVE-2019-12422: a logged-in user's cookie, extended by two
 * blocks, forges any serialized object under the server's unknown key), ASP.NET's `WebResource.axd?d=` (MS10-070),
 * JSF view states, any encrypted session or reset token. Whether the server refuses a token's padding tells the
 * attacker one octet of plaintext per 128 tries on average; to read or forge a block it sends thousands of variants
 * of one token that differ inside one block, one octet at a time. Judged per client, server and input from the
 * requests alone, so it holds when the answers look alike to a reader (the same status, a cleared cookie) and when
 * they are not read at all.
 */
import { z } from 'zod';
import { readsRequests } from '../engine/event-read.ts';
import type { HttpRequestEvent } from '../events.ts';
import { allowList } from './allowed-servers.ts';
import { tokenChange } from './padding-oracle-change.ts';
import {
  countChange,
  looksLikeOracleAttack,
  restartWindow,
  type TokenTrack,
  tokenTrack,
} from './padding-oracle-track.ts';
import { cipherToken, maxTokenLength, minTokenLength } from './text/cipher-token.ts';
import { eventInputs } from './text/event-inputs.ts';
import { ignoreList, isIgnored } from './text/ignored-inputs.ts';
import type { PayloadInput } from './text/payload-input.ts';
import { type Caller, callersOf, detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';
import { type BoundedMap, boundedMap } from './window/bounded-map.ts';

export const paddingOracleConfig = detectorConfig('high', {
  /** Changes of one token within the window before it is judged (an attack makes about 128 per octet). */
  minChanges: z.number().int().min(8).default(64),
  /** Different octets changed alone: an attack moves from octet to octet; a counter changes only its lowest. */
  minPositions: z.number().int().min(2).default(2),
  /** Share of the changes that stay inside one block. */
  minConfinedShare: z.number().min(0.5).max(1).default(0.9),
  windowMs: z.number().int().positive().default(600_000),
  /** Input locations (`cookie rememberMe`, `query d`, ...) to leave alone, by prefix. */
  ignore: ignoreList(),
  /** Callers not counted: addresses, CIDRs, either with :port. */
  allowClients: allowList(),
});
type Config = z.infer<typeof paddingOracleConfig>;

/** Tokens followed at once (client, server and input); past it the oldest is forgotten. */
const maxTracks = 4096;
type State = BoundedMap<TokenTrack>;

/**
 * Inputs a token is sent in: cookies, headers (`Authorization: Bearer <token>` read past its scheme), query, form and
 * multipart fields, JSON strings. Not the path: a crawler walking numbered paths would change one block of it, octet
 * after octet.
 */
const judged = /^(?:cookie|header|query|form|multipart|json) /;

/** Characters of base64, base64url and hex only (a form turns `+` into a space): a user agent is no token. */
const tokenShape = /^[A-Za-z0-9+/_= -]+$/;

/**
 * The token an input carries, if it may be one: an Authorization header's credentials after their scheme, else the
 * value; undefined for an input not judged, a value of the wrong length or with characters no token has.
 */
const tokenText = (input: PayloadInput, config: Config): string | undefined => {
  if (input.raw.length < minTokenLength || !judged.test(input.where)) return undefined;
  const space = input.where === 'header authorization' ? input.raw.indexOf(' ') : -1;
  const raw = space < 0 ? input.raw : input.raw.slice(space + 1).trim();
  if (raw.length < minTokenLength || raw.length > maxTokenLength || !tokenShape.test(raw)) return undefined;
  return isIgnored(input.where, config.ignore) ? undefined : raw;
};

const shiroNote = (where: string): string =>
  where === 'cookie rememberMe'
    ? ' (Apache Shiro rememberMe: Shiro-721, CVE-2019-12422, forges a serialized object under the unknown key)'
    : '';

const evidence = (track: TokenTrack, where: string, ts: number): string =>
  `CBC padding oracle attack on ${where}${shiroNote(where)}: ${track.changes} different ${track.bytes.length}-octet ` +
  `tokens within ${Math.round(ts - track.started)} ms, ${track.confined} of them changed inside one ${track.blockSize}-octet ` +
  `block only (block ${track.block + 1} of ${Math.floor(track.bytes.length / track.blockSize)}), octet by octet at ` +
  `${track.positions.size} positions: the server's answers to a bad padding decrypt or forge the token`;

/** One input's token: counted against the last one from this caller; a hit when the window reads as an attack. */
const judgeToken = (
  state: State,
  key: string,
  where: string,
  raw: string,
  ts: number,
  config: Config,
): string | undefined => {
  const known = state.get(key);
  if (known !== undefined && known.raw === raw) return undefined;
  const bytes = cipherToken(raw);
  if (bytes === undefined) return undefined;
  if (known === undefined || known.bytes.length !== bytes.length) {
    if (known !== undefined) state.delete(key);
    state.upsert(key, () => tokenTrack(raw, bytes, ts));
    return undefined;
  }
  const change = tokenChange(known.bytes, bytes);
  known.raw = raw;
  known.bytes = bytes;
  if (change === undefined) return undefined;
  if (ts - known.started > config.windowMs || ts < known.started) restartWindow(known, ts);
  countChange(known, change);
  if (!looksLikeOracleAttack(known, config) || ts - known.reported < config.windowMs) return undefined;
  known.reported = ts;
  return evidence(known, where, ts);
};

const hit = (event: HttpRequestEvent, caller: Caller, text: string, config: Config): ThreatHit => ({
  threat: 'padding-oracle',
  severity: config.severity,
  confidence: 0.85,
  evidence: text,
  ts: event.ts,
  origin: caller.origin,
  originBy: caller.by,
});

export const paddingOracle: Threat<typeof paddingOracleConfig, State> = {
  id: 'padding-oracle',
  on: ['http-request'],
  reads: [readsRequests('http-request')],
  config: paddingOracleConfig,
  scope: 'global',
  episodes: 'service',
  initialState: () => boundedMap<TokenTrack>(maxTracks),
  inspect(event, state, { flow, config, proxies }): ThreatHit[] {
    if (event.kind !== 'http-request' || event.direction !== 'to-server' || flow === undefined) return noHits;
    let hits = noHits;
    for (const input of eventInputs(event)) {
      const raw = tokenText(input, config);
      if (raw === undefined) continue;
      for (const caller of callersOf(flow, event, proxies, config.allowClients)) {
        const key = `${caller.key} ${flow.server.ip} ${flow.server.port} ${input.where}`;
        const found = judgeToken(state, key, input.where, raw, event.ts, config);
        if (found !== undefined) hits = [...hits, hit(event, caller, found, config)];
      }
    }
    return hits;
  },
};
