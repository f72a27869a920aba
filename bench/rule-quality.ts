/**
 * Rule quality: learn Online Boutique's and Bookinfo's traffic, score the learned edges against the true call
 * graph (precision, recall, rule count) as learning time grows, then freeze the baseline and count how many
 * injected off-graph calls become violations and how many benign calls do.
 */
import { type LearnConfig, learnConfigSchema } from '#functions/learn/learn-config.ts';
import { type Benchmark, table } from './benchmark.ts';
import { type AppGraph, bookinfo, onlineBoutique } from './rule-quality-apps.ts';
import { EmulatedCluster } from './rule-quality-cluster.ts';
import { type Call, requestsFor, seededRandom } from './rule-quality-traffic.ts';

export type Checkpoint = {
  minute: number;
  calls: number;
  learnedEdges: number;
  truePositives: number;
  precision: number;
  recall: number;
  protocolsRight: number;
  rules: number;
};
export type Injection = { kind: string; calls: number; detected: number };
export type AppQuality = {
  app: string;
  grouping: 'workload' | 'label app';
  trueEdges: number;
  checkpoints: Checkpoint[];
  /** Benign traffic replayed after the switch to monitor, and the violations it raised (false alarms). */
  monitor: { calls: number; falseViolations: number };
  injections: Injection[];
};
export type RuleQualityOptions = {
  learnMinutes?: number;
  monitorMinutes?: number;
  requestsPerSecond?: number;
};

const checkpointMinutes = [0.5, 1, 2, 5, 10, 20, 30, 60, 120];

type Ctx = {
  graph: AppGraph;
  cluster: EmulatedCluster;
  groupOf: (workload: string) => string;
  truth: Map<string, string>;
};

/** True edges keyed `from>to:port`, after grouping (so reviews v1/v2/v3 → one group under `app`). */
const truthOf = (graph: AppGraph, groupOf: (w: string) => string) =>
  new Map(graph.edges.map((e) => [`${groupOf(e.from)}>${groupOf(e.to)}:${e.port}`, e.protocol]));

const score = async (ctx: Ctx, minute: number, calls: number): Promise<Checkpoint> => {
  const rules = await ctx.cluster.store.listRules();
  const learned = new Map<string, string>();
  for (const rule of rules) {
    if (rule.from.type !== 'group' || rule.to.type !== 'group') continue;
    learned.set(`${rule.from.name}>${rule.to.name}:${rule.port}`, rule.protocol);
  }
  const hits = [...learned.keys()].filter((key) => ctx.truth.has(key));
  const protocolsRight = hits.filter((key) => learned.get(key) === ctx.truth.get(key)).length;
  const precision = learned.size === 0 ? 1 : hits.length / learned.size;
  return {
    minute,
    calls,
    learnedEdges: learned.size,
    truePositives: hits.length,
    precision,
    recall: hits.length / ctx.truth.size,
    protocolsRight,
    rules: rules.length,
  };
};

/** The request kind a roll in [0, total weight) falls on. */
const weighted = <T extends { weight: number }>(kinds: readonly T[], roll: number): T | undefined => {
  let left = roll;
  for (const kind of kinds) {
    left -= kind.weight;
    if (left < 0) return kind;
  }
  return kinds[0];
};

/** Plays `seconds` of the app's request mix; flushes every tap each 10 s; returns the number of calls. */
const play = async (
  ctx: Ctx,
  from: number,
  seconds: number,
  rps: number,
  random: () => number,
  onFlush?: (s: number) => Promise<void>,
) => {
  const kinds = requestsFor(ctx.graph);
  const total = kinds.reduce((sum, k) => sum + k.weight, 0);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  let calls = 0;
  for (let s = from; s < from + seconds; s++) {
    for (let r = 0; r < rps; r++) {
      const kind = weighted(kinds, random() * total);
      for (const call of kind?.calls(pick) ?? []) {
        ctx.cluster.call(call, s + r / rps);
        calls += 1;
      }
    }
    if ((s + 1) % 10 === 0) {
      ctx.cluster.probe(s);
      await ctx.cluster.flush(s + 1);
      await onFlush?.(s + 1);
    }
  }
  return calls;
};

const injections = (ctx: Ctx): { kind: string; calls: Call[]; port?: (c: Call) => number }[] => {
  const names = ctx.graph.workloads
    .map((w) => w.name)
    .filter((n) => ctx.graph.workloads.find((w) => w.name === n)?.port !== 0);
  const edgeSet = new Set(ctx.graph.edges.map((e) => `${ctx.groupOf(e.from)}>${ctx.groupOf(e.to)}`));
  const offGraph = ctx.graph.workloads.flatMap((a) =>
    names
      .filter(
        (b) =>
          b !== a.name &&
          ctx.groupOf(b) !== ctx.groupOf(a.name) &&
          !edgeSet.has(`${ctx.groupOf(a.name)}>${ctx.groupOf(b)}`),
      )
      .map((b) => ({ from: a.name, to: b, method: 'POST', path: '/admin.Debug/Dump' })),
  );
  const onGraph = ctx.graph.edges;
  return [
    { kind: 'call between workloads that never talk (real port and protocol)', calls: offGraph },
    {
      kind: 'known pair, unused port',
      calls: onGraph.map((e) => ({ from: e.from, to: e.to, method: 'GET', path: '/' })),
      port: () => 9999,
    },
    {
      kind: 'known pair and port, unseen method/path',
      calls: onGraph
        .filter((e) => e.protocol !== 'redis')
        .map((e) => ({ from: e.from, to: e.to, method: 'DELETE', path: '/admin.Debug/Dump' })),
    },
  ];
};

const inject = async (ctx: Ctx, second: number): Promise<Injection[]> => {
  const results: Injection[] = [];
  for (const { kind, calls, port } of injections(ctx)) {
    const ports = calls.map((call) => ctx.cluster.call(call, second, port?.(call)));
    const outcomes = await ctx.cluster.flush(second + 1);
    const flagged = new Set(
      outcomes.flatMap((o) =>
        o.violations.map((v) => (v.finding.type === 'violation' ? v.finding.client.port : -1)),
      ),
    );
    results.push({ kind, calls: calls.length, detected: ports.filter((p) => flagged.has(p)).length });
    second += 2;
  }
  return results;
};

const freeze = async (ctx: Ctx) => {
  for (const group of await ctx.cluster.store.listGroups())
    await ctx.cluster.store.putGroup({ ...group, mode: 'monitor' });
};

/** Seconds between a pod's death and its IP going to a new pod (CNI IPAM hands out the free IP later). */
const reuseDelay = 120;

/**
 * Half-way through learning one workload's pod restarts on a new IP; two minutes later another workload's
 * pod restarts on the freed IP: the learner must not attribute that traffic to the first workload.
 */
const ipReuse = (ctx: Ctx, at: number) => {
  const [first, second] = ctx.graph.edges.map((e) => e.to).filter((n, i, all) => all.indexOf(n) === i);
  let freed: string | undefined;
  return async (second_: number) => {
    if (first === undefined || second === undefined) return;
    if (second_ === at) {
      freed = ctx.cluster.pods.get(first)?.ip;
      ctx.cluster.startPod(first);
    }
    if (second_ === at + reuseDelay && freed !== undefined) ctx.cluster.startPod(second, freed);
  };
};

const runApp = async (
  graph: AppGraph,
  config: LearnConfig,
  options: Required<RuleQualityOptions>,
  subnet: string,
): Promise<AppQuality> => {
  const cluster = new EmulatedCluster(graph, config, subnet);
  const labelOf = (w: string) => graph.workloads.find((x) => x.name === w)?.labels.app ?? w;
  const groupOf = config.groupByLabel === undefined ? (w: string) => w : labelOf;
  const ctx: Ctx = { graph, cluster, groupOf, truth: truthOf(graph, groupOf) };
  const random = seededRandom(42);
  const checkpoints: Checkpoint[] = [];
  let calls = 0;
  const seconds = options.learnMinutes * 60;
  const marks = checkpointMinutes.filter((m) => m <= options.learnMinutes).map((m) => m * 60);
  const events = ipReuse(ctx, Math.round(seconds / 20) * 10);
  for (const [i, mark] of marks.entries()) {
    const from = i === 0 ? 0 : (marks[i - 1] ?? 0);
    calls += await play(ctx, from, mark - from, options.requestsPerSecond, random, events);
    checkpoints.push(await score(ctx, mark / 60, calls));
  }
  await freeze(ctx);
  const before = (await cluster.store.listFindings({ kind: 'violation', limit: 10_000 })).length;
  const benign = await play(ctx, seconds, options.monitorMinutes * 60, options.requestsPerSecond, random);
  const falseViolations =
    (await cluster.store.listFindings({ kind: 'violation', limit: 10_000 })).length - before;
  const result: AppQuality = {
    app: graph.app,
    grouping: config.groupByLabel === undefined ? 'workload' : 'label app',
    trueEdges: ctx.truth.size,
    checkpoints,
    monitor: { calls: benign, falseViolations },
    injections: await inject(ctx, seconds + options.monitorMinutes * 60 + 5),
  };
  await cluster.store.close();
  return result;
};

export const runRuleQuality = async (options: RuleQualityOptions = {}): Promise<AppQuality[]> => {
  const full = { learnMinutes: 60, monitorMinutes: 10, requestsPerSecond: 1, ...options };
  const plain = learnConfigSchema.parse({});
  return [
    await runApp(onlineBoutique(), plain, full, '10.44.0'),
    await runApp(bookinfo(), plain, full, '10.45.0'),
    await runApp(bookinfo(), learnConfigSchema.parse({ groupByLabel: 'app' }), full, '10.46.0'),
  ];
};

const percent = (x: number) => `${(x * 100).toFixed(0)}%`;

export const renderRuleQuality = (apps: readonly AppQuality[]): string =>
  apps
    .map((app) => {
      const title = `**${app.app}** (groups by ${app.grouping}; ${app.trueEdges} true edges)`;
      const learning = table(
        ['minute', 'calls', 'learned edges', 'precision', 'recall', 'protocol right', 'rules (incl. probes)'],
        app.checkpoints.map((c) => [
          c.minute,
          c.calls,
          c.learnedEdges,
          percent(c.precision),
          percent(c.recall),
          `${c.protocolsRight}/${c.truePositives}`,
          c.rules,
        ]),
      );
      const frozen = `After the switch to monitor: ${app.monitor.calls} benign calls raised ${app.monitor.falseViolations} violations.`;
      const injected = table(
        ['injected', 'calls', 'became violations'],
        app.injections.map((i) => [
          i.kind,
          i.calls,
          `${i.detected} (${percent(i.calls === 0 ? 1 : i.detected / i.calls)})`,
        ]),
      );
      return [title, learning, frozen, injected].join('\n\n');
    })
    .join('\n\n');

export const ruleQualityBenchmark: Benchmark<AppQuality[]> = {
  id: 'rule-quality',
  title: 'Rule quality: learned edges vs the true call graphs of Online Boutique and Bookinfo',
  run: () => runRuleQuality(),
  render: renderRuleQuality,
};
