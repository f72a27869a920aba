/** Parses the text of one policy file (multi-document YAML) into policies, exceptions and located problems. */
import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import { compilePolicy } from './compile-policy.ts';
import { policyExceptionSchema } from './exception-schema.ts';
import type { LoadedException, LoadedPolicySet, PolicyProblem } from './loaded-policy.ts';
import { admissionPolicySchema } from './policy-schema.ts';
import { lineOf } from './yaml-locator.ts';

type Parsed = Omit<LoadedPolicySet, 'problems'> & { problems: PolicyProblem[] };

const located =
  (file: string, document: Document.Parsed, counter: LineCounter) =>
  (path: PropertyKey[], message: string): PolicyProblem => {
    const line = lineOf(document, counter, path);
    return line === undefined ? { file, message } : { file, line, message };
  };

const zodPath = (path: readonly PropertyKey[]): string => path.map(String).join('.') || '(root)';

const addPolicy = (raw: unknown, file: string, at: ReturnType<typeof located>, out: Parsed): void => {
  const parsed = admissionPolicySchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      out.problems.push(at(issue.path, `${zodPath(issue.path)}: ${issue.message}`));
    return;
  }
  const policy = compilePolicy(parsed.data, file);
  if (Array.isArray(policy)) {
    for (const problem of policy) out.problems.push(at(problem.path, problem.message));
    return;
  }
  out.policies.push(policy);
};

const addException = (raw: unknown, file: string, at: ReturnType<typeof located>, out: Parsed): void => {
  const parsed = policyExceptionSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      out.problems.push(at(issue.path, `${zodPath(issue.path)}: ${issue.message}`));
    return;
  }
  const { metadata, spec } = parsed.data;
  const exception: LoadedException = {
    name: metadata.name,
    file,
    policies: spec.policies ?? [],
    checks: spec.checks ?? [],
    workloads: spec.workloads,
    reason: spec.reason,
    owner: spec.owner,
  };
  if (spec.expires !== undefined) exception.expires = new Date(spec.expires);
  out.exceptions.push(exception);
};

const syntaxProblems = (document: Document.Parsed, file: string): PolicyProblem[] =>
  document.errors.map((error) => {
    const line = error.linePos?.[0].line;
    const message = `YAML syntax error: ${error.message.split('\n')[0] ?? ''}`;
    return line === undefined ? { file, message } : { file, line, message };
  });

export const parsePolicyDocuments = (text: string, file: string): Parsed => {
  const out: Parsed = { policies: [], exceptions: [], problems: [] };
  const counter = new LineCounter();
  for (const document of parseAllDocuments(text, { lineCounter: counter })) {
    if (document.errors.length > 0) {
      out.problems.push(...syntaxProblems(document, file));
      continue;
    }
    const raw: unknown = document.toJS();
    if (raw === null || raw === undefined) continue;
    const at = located(file, document, counter);
    const kind = (raw as { kind?: unknown }).kind;
    if (kind === 'AdmissionPolicy') addPolicy(raw, file, at, out);
    else if (kind === 'PolicyException') addException(raw, file, at, out);
    else
      out.problems.push(
        at(['kind'], `kind must be AdmissionPolicy or PolicyException, not ${JSON.stringify(kind)}`),
      );
  }
  return out;
};
