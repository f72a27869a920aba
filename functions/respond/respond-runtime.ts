/** Builds the respond function's dependencies once per process, on top of the shared runtime (store, signer, clock). */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allowViolation } from '#functions/learn/allow-violation.ts';
import type { KubeApi } from '#functions/platform/kube/kube-api.ts';
import { kubeConnectionFromEnv } from '#functions/platform/kube/kube-connection.ts';
import { createRestKubeApi } from '#functions/platform/kube/rest-kube-api.ts';
import {
  createLocalObjectStore,
  type LocalObjectStore,
} from '#functions/platform/object-store/local-object-store.ts';
import type { ObjectStore } from '#functions/platform/object-store/object-store.ts';
import type { Runtime } from '#functions/platform/runtime.ts';
import type { SlackApi } from '#functions/platform/slack/slack-api.ts';
import { createWebClientSlackApi } from '#functions/platform/slack/web-client-slack-api.ts';
import type { SlackConfig } from '#functions/slack/slack-config.ts';
import type { ActionResult } from './action.ts';
import type { ActionDeps } from './action-deps.ts';
import { actions } from './actions/index.ts';
import { createSlackAlertSender, type SlackAlertSender } from './alerts/slack-alert-sender.ts';
import { groupModesFromStore } from './group-modes.ts';
import { createInProcessJobQueue } from './jobs/in-process-job-queue.ts';
import type { JobDeps } from './jobs/job-deps.ts';
import type { JobQueue } from './jobs/respond-job.ts';
import { runJob } from './jobs/run-job.ts';
import { defaultResponseRulesDir, loadResponseRules } from './rules/load-response-rules.ts';
import type { ResponseStore } from './store/response-store.ts';
import { openSqliteResponseStore } from './store/sqlite-response-store.ts';
import { createTapCommands } from './tap-commands.ts';
import { unavailableKube, unconfiguredSlack } from './unavailable-deps.ts';

export type RespondRuntimeOptions = {
  dataDir: string;
  /** Where taps PUT captures: the control plane's `/captures` URL. */
  capturesUrl: string;
  kube?: KubeApi;
  slack?: SlackApi;
  slackConfig?: SlackConfig;
  rulesDir?: string;
  alertOptions?: Parameters<typeof createSlackAlertSender>[2];
};

/** Where respond jobs go: run in this process after Slack is answered (local), or onto the respond queue (AWS). */
export type RespondJobQueue = JobQueue & {
  /** Resolves once every job enqueued so far has run (in-process) or been sent. */
  idle(): Promise<void>;
};

/** Captures: local files behind the signed `/captures` route (`verify`), or S3 with presigned URLs (no route). */
export type CaptureObjectStore = ObjectStore & { verify?: LocalObjectStore['verify'] };

export type RespondRuntime = {
  deps: JobDeps;
  alerts: SlackAlertSender;
  queue: RespondJobQueue;
  objectStore: CaptureObjectStore;
  slackConfig?: SlackConfig;
  close(): Promise<void>;
};

/** The backend-specific parts; everything else is the same locally and on AWS. */
export type RespondParts = {
  store: ResponseStore;
  objectStore: CaptureObjectStore;
  kube: KubeApi;
  slack: SlackApi;
  /** Absent: jobs run in this process. */
  queue?: RespondJobQueue;
};

const secretFile = (path: string): string => {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
};

export const kubeFromEnv = (env: NodeJS.ProcessEnv): KubeApi => {
  try {
    return createRestKubeApi(kubeConnectionFromEnv(env));
  } catch (error) {
    return unavailableKube(`no Kubernetes API configured: ${(error as Error).message}`);
  }
};

export const slackFromEnv = (env: NodeJS.ProcessEnv): SlackApi =>
  env.MESHWARD_SLACK_BOT_TOKEN === undefined || env.MESHWARD_SLACK_BOT_TOKEN === ''
    ? unconfiguredSlack('Slack is not configured: set MESHWARD_SLACK_BOT_TOKEN')
    : createWebClientSlackApi({
        token: env.MESHWARD_SLACK_BOT_TOKEN,
        ...(env.MESHWARD_SLACK_API_URL ? { slackApiUrl: env.MESHWARD_SLACK_API_URL } : {}),
      });

const allowFinding =
  (runtime: Runtime) =>
  async (findingId: string, _actor: string, now: string): Promise<ActionResult> => {
    const result = await allowViolation(runtime.store, findingId, now);
    return result.ok
      ? { action: 'allow', status: 'done', applied: [`rule ${result.rule.id}`], notes: [] }
      : {
          action: 'allow',
          status: result.reason === 'not-found' ? 'not-found' : 'failed',
          applied: [],
          notes: [],
          error: result.reason,
        };
  };

const actionDepsOf = (
  runtime: Runtime,
  parts: { kube: KubeApi; store: ResponseStore; alerts: SlackAlertSender; objectStore: ObjectStore },
  env: NodeJS.ProcessEnv,
): ActionDeps => {
  const { signer } = runtime;
  return {
    kube: parts.kube,
    tap: createTapCommands({
      sign: (command) =>
        signer === undefined ? Promise.reject(new Error('no command signer')) : signer.sign(command),
      putCommand: (command) => runtime.store.putCommand(command),
      nowSeconds: () => Math.floor(runtime.now().getTime() / 1000),
    }),
    tapLastSeen: async (podUid) => (await runtime.store.getPod(podUid))?.lastSeen,
    quarantines: parts.store,
    groups: groupModesFromStore(runtime.store),
    alerts: parts.alerts,
    objectStore: parts.objectStore,
    httpPost: async (url, body, headers) => ({
      status: (await fetch(url, { method: 'POST', body, headers })).status,
    }),
    secret: (name) => env[name],
    now: () => runtime.now().toISOString(),
  };
};

/** Wires respond's dependencies from its backend parts: actions, rules, alerts, and the job queue. */
export const assembleRespondRuntime = (
  runtime: Runtime,
  parts: RespondParts,
  options: Pick<RespondRuntimeOptions, 'rulesDir' | 'slackConfig' | 'alertOptions'>,
  env: NodeJS.ProcessEnv = process.env,
): RespondRuntime => {
  const { store, slack, kube, objectStore } = parts;
  const alerts = createSlackAlertSender(slack, store, options.alertOptions);
  const deps: JobDeps = {
    actionDeps: actionDepsOf(runtime, { kube, store, alerts, objectStore }, env),
    store,
    rules: loadResponseRules(options.rulesDir ?? defaultResponseRulesDir, actions),
    actions,
    newId: randomUUID,
    slack,
    allowFinding: allowFinding(runtime),
  };
  const queue =
    parts.queue ??
    createInProcessJobQueue(
      (job) => runJob(job, deps, runtime.now().toISOString()),
      (error, job) => runtime.log('error', 'respond job failed', { type: job.type, error: String(error) }),
    );
  const slackConfig = options.slackConfig === undefined ? {} : { slackConfig: options.slackConfig };
  return { deps, alerts, queue, objectStore, ...slackConfig, close: () => store.close() };
};

/** The embedded respond runtime: SQLite in the data directory, local captures, jobs in this process. */
export const createRespondRuntime = (
  runtime: Runtime,
  options: RespondRuntimeOptions,
  env: NodeJS.ProcessEnv = process.env,
): RespondRuntime => {
  mkdirSync(options.dataDir, { recursive: true });
  const objectStore = createLocalObjectStore({
    dir: join(options.dataDir, 'objects'),
    baseUrl: options.capturesUrl,
    secret: secretFile(join(options.dataDir, 'object-url-key')),
  });
  const parts: RespondParts = {
    store: openSqliteResponseStore(join(options.dataDir, 'respond.db')),
    objectStore,
    kube: options.kube ?? kubeFromEnv(env),
    slack: options.slack ?? slackFromEnv(env),
  };
  return assembleRespondRuntime(runtime, parts, options, env);
};
