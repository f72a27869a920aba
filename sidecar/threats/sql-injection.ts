/** SQL injection in request values (judged as fragments) and in the statements applications send to MySQL and PostgreSQL. */
import { embeddedAttack } from './text/embedded-attack.ts';
import { sqlInjectionVerdict } from './text/sql-injection-verdict.ts';
import { sqlStatementVerdict } from './text/sql-statement-verdict.ts';

export const sqlInjection = embeddedAttack({
  id: 'sql-injection',
  severity: 'high',
  on: ['http-request', 'sql-query'],
  verdict: sqlInjectionVerdict,
  inspectEvent(event) {
    if (event.kind !== 'sql-query') return undefined;
    const reason = sqlStatementVerdict(event.text);
    return reason === undefined
      ? undefined
      : { reason, evidence: `${event.dialect}: ${event.text.slice(0, 300)}` };
  },
});
