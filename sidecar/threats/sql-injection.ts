/** SQL injection in request values (judged as fragments) and in the statements applications send to SQL databases. */
import { embeddedAttack } from './text/embedded-attack.ts';
import { memoVerdict } from './text/memo-verdict.ts';
import { sqlInjectionVerdict } from './text/sql-injection-verdict.ts';
import { sqlStatementVerdict } from './text/sql-statement-verdict.ts';

/** A statement's start and, when it is long, its end: a padded literal or a long IN list comes before the injection. */
const statementExcerpt = (text: string): string =>
  text.length <= 300 ? text : `${text.slice(0, 180)} … ${text.slice(-100)} (${text.length} characters)`;

/** Applications send the same statements over and over (prepared or not): judged once while remembered. */
const statementVerdict = memoVerdict(sqlStatementVerdict, 1024, 2048);

export const sqlInjection = embeddedAttack({
  id: 'sql-injection',
  severity: 'high',
  on: ['http-request', 'websocket-message', 'sql-query'],
  verdict: memoVerdict(sqlInjectionVerdict),
  inspectEvent(event) {
    if (event.kind !== 'sql-query') return undefined;
    const reason = statementVerdict(event.text);
    return reason === undefined
      ? undefined
      : { reason, evidence: `${event.dialect}: ${statementExcerpt(event.text)}` };
  },
});
