/** SQL injection in request values (judged as fragments) and in the statements applications send to SQL databases. */
import { embeddedAttack } from './text/embedded-attack.ts';
import { memoVerdict } from './text/memo-verdict.ts';
import { sqlInjectionVerdict } from './text/sql-injection-verdict.ts';
import { sqlStatementVerdict } from './text/sql-statement-verdict.ts';

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
      : { reason, evidence: `${event.dialect}: ${event.text.slice(0, 300)}` };
  },
});
