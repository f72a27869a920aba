/** `meshward policy test|lint`: admission policies offline, against manifests, with expected results like `kyverno test`. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { AppError } from '#core/errors.ts';
import { describeZodError } from '#core/issue.ts';
import { defaultPolicyDirectory } from '#functions/admission/policy/default-policy-paths.ts';
import { loadPolicySet, loadPolicySetOrThrow } from '#functions/admission/policy/load-policy-set.ts';
import { formatProblem } from '#functions/admission/policy/loaded-policy.ts';
import { readManifests } from '#functions/admission/validate/manifest-documents.ts';
import { renderTable } from '#functions/admission/validate/render-table.ts';
import {
  type Expectations,
  expectationsSchema,
  mismatches,
} from '#functions/admission/validate/test-expectations.ts';
import { testRecords } from '#functions/admission/validate/test-record.ts';
import type { CliCommand, CommandIo } from '../command.ts';

const usage = `Usage: meshward policy test [PATHS...] [--json] [--expect FILE] [--policies PATH]... [--all]
       meshward policy lint [PATHS...]

test  Evaluates manifests (files or folders, multi-document YAML or JSON, helm template or kustomize
      build output; "-" reads stdin) against the admission policies and prints a table of
      resource, policy, check, result, path and message (failures and skips; --all adds passes).
      Exit 1 when an enforced policy fails. With --expect FILE (YAML: results: [{resource:
      Kind/namespace/name, policy, check?, result: pass|fail|skip}]) exit 1 on any mismatch instead.
      --json prints one array with a record per resource and policy evaluated.
lint  Validates policy and PolicyException files (default: the built-in set) and reports every
      problem with file and line; exit 1 if there is any.

Options:
  --policies PATH   policy file or folder (repeatable; default: the built-in policies/admission)
  --namespace NS    namespace for manifests that do not set one
  --now TIME        evaluate exception expiry at this RFC 3339 time (default: now)`;

const readExpectations = (file: string): Expectations => {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AppError('bad-request', `cannot read --expect ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = expectationsSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError('bad-request', `${file}: ${describeZodError(parsed.error).join('; ')}`);
  return parsed.data;
};

const parseNow = (text: string | undefined): Date => {
  const now = text === undefined ? new Date() : new Date(text);
  if (Number.isNaN(now.getTime()))
    throw new AppError('bad-request', `--now must be an RFC 3339 time, got '${text}'`);
  return now;
};

const runTest = (args: string[], io: CommandIo): number => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      expect: { type: 'string' },
      policies: { type: 'string', multiple: true },
      namespace: { type: 'string' },
      now: { type: 'string' },
    },
  });
  if (positionals.length === 0)
    throw new AppError('bad-request', 'name at least one manifest file or folder ("-" for stdin)');
  const set = loadPolicySetOrThrow(values.policies ?? [defaultPolicyDirectory]);
  const documents = readManifests(positionals, () => readFileSync(0, 'utf8'));
  const options = {
    now: parseNow(values.now),
    ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
  };
  const records = testRecords(documents, set, options);
  if (values.json) io.stdout(JSON.stringify(records, null, 2));
  else io.stdout(renderTable(values.all ? records : records.filter((record) => record.result !== 'pass')));
  const counts = ['pass', 'fail', 'skip'].map(
    (result) => `${records.filter((r) => r.result === result).length} ${result}`,
  );
  io.stderr(`${documents.length} resources, ${set.policies.length} policies: ${counts.join(', ')}`);
  if (values.expect !== undefined) {
    const wrong = mismatches(records, readExpectations(values.expect));
    for (const line of wrong) io.stderr(`MISMATCH ${line}`);
    return wrong.length === 0 ? 0 : 1;
  }
  return records.some((record) => record.result === 'fail' && record.action === 'enforce') ? 1 : 0;
};

const runLint = (args: string[], io: CommandIo): number => {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const set = loadPolicySet(positionals.length === 0 ? [defaultPolicyDirectory] : positionals);
  for (const problem of set.problems) io.stderr(formatProblem(problem));
  const summary = `${set.policies.length} policies, ${set.exceptions.length} exceptions`;
  if (set.problems.length > 0) {
    io.stderr(`${summary}: ${set.problems.length} problem${set.problems.length === 1 ? '' : 's'}`);
    return 1;
  }
  io.stdout(`${summary}: OK`);
  return 0;
};

export const policyCommand: CliCommand = {
  name: 'policy',
  summary: 'test admission policies against manifests offline, or lint policy files',
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'test') return runTest(rest, io);
    if (sub === 'lint') return runLint(rest, io);
    throw new AppError(
      'bad-request',
      `unknown subcommand '${sub ?? ''}': use 'policy test' or 'policy lint'`,
    );
  },
};
