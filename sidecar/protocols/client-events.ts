/**
 * The two events the line-based login protocols (FTP, POP3, IMAP, Telnet, SMTP) share: a client command as an
 * `operation`, and a login's outcome as `db-auth` (for password-guessing detection). Neither ever carries a secret:
 * callers pass only a command's name, a bounded detail and a user name.
 */
import type { ProtocolId } from '#core/protocol-id.ts';
import type { DbAuthEvent, Direction, OperationEvent } from '../events.ts';

/**
 * Characters of a detail kept: as long as the FTP and POP3 lines it comes from, so an attack after padding in a
 * command's argument is judged (the verdicts read long values in windows, ADR 30). It was 256: a JNDI lookup after
 * 300 characters of a CWD was never judged. Events are not held; flow summaries keep operation names, not details.
 */
const maxDetail = 4096;

/** A command (or, with `direction`, a reply) as an operation event; an empty detail is left out. */
export const operationEvent = (
  protocol: ProtocolId,
  ts: number,
  name: string,
  detail: string,
  direction: Direction = 'to-server',
): OperationEvent => {
  const event: OperationEvent = { kind: 'operation', ts, direction, protocol, operation: name };
  if (detail !== '') event.detail = detail.slice(0, maxDetail);
  return event;
};

/** A login's outcome, from the server; the user when known, the method when the protocol names one. */
export const loginEvent = (
  dialect: DbAuthEvent['dialect'],
  ts: number,
  ok: boolean,
  user: string,
  method?: DbAuthEvent['method'],
): DbAuthEvent => {
  const event: DbAuthEvent = { kind: 'db-auth', ts, direction: 'to-client', dialect, ok };
  if (user !== '') event.user = user;
  if (method !== undefined) event.method = method;
  return event;
};
