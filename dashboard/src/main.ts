/** The dashboard's composition root: login, tabs, the polling loop, and which view draws what. */
import { type ApiAnswer, createApiClient } from './api-client.ts';
import type { AuditEntry, CaptureView, FindingRecord, Group, Rule, ServiceGraph } from './api-types.ts';
import { renderAuditView } from './audit-view.ts';
import { renderCapturesView } from './captures-view.ts';
import { emptyState, replaceChildren } from './dom.ts';
import { renderExportView } from './export-view.ts';
import { readFilters, renderServiceList, updateFilterChoices } from './graph-controls.ts';
import { type GraphModel, graphModel } from './graph-model.ts';
import { createGraphView, type GraphView } from './graph-view.ts';
import { renderLogin } from './login-view.ts';
import { renderRulesView } from './rules-view.ts';
import { renderServicePanel } from './service-panel.ts';
import { renderTimelineView } from './timeline-view.ts';
import { clearToken, loadToken, roleOfToken, saveToken } from './token-store.ts';

type View = 'graph' | 'rules' | 'timeline' | 'captures' | 'audit' | 'export';

const pollMs = 5000;
const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const state = {
  view: 'graph' as View,
  graph: undefined as ServiceGraph | undefined,
  violations: [] as FindingRecord[],
  model: undefined as GraphModel | undefined,
  selected: undefined as string | undefined,
  drawn: new Map<View, string>(),
  graphView: undefined as GraphView | undefined,
  timer: undefined as number | undefined,
};

const api = createApiClient(loadToken, (status, message) =>
  signOut(`The control plane refused the token (${status}): ${message}. Paste a valid token.`),
);
const operator = () => roleOfToken(loadToken() ?? '') === 'operator';
const context = () => ({ api, operator: operator(), onChanged });

/** After an operator's change: redraw the current view, and the open panel with its new state. */
const onChanged = () => {
  void refresh(true);
  if (state.selected !== undefined && !byId('panel').hidden)
    void renderServicePanel(byId('panel'), state.selected, context());
};

/** Draws only when the data changed, so polling never resets a view someone is reading. */
const changed = (view: View, data: unknown, force: boolean): boolean => {
  const key = JSON.stringify(data);
  if (!force && state.drawn.get(view) === key) return false;
  state.drawn.set(view, key);
  return true;
};

const selectService = (id: string) => {
  state.selected = id;
  state.graphView?.select(id);
  void renderServicePanel(byId('panel'), id, context()).then(() => state.graphView?.resize());
};

const drawGraph = () => {
  if (state.graph === undefined) return;
  const model = graphModel(state.graph, state.violations, readFilters());
  state.model = model;
  updateFilterChoices(model);
  state.graphView ??= createGraphView(byId('graph'), selectService);
  state.graphView.render(model);
  renderServiceList(model, selectService);
  const empty = byId('graph-empty');
  empty.hidden = state.graph.nodes.length > 0 && model.nodes.length > 0;
  if (state.graph.nodes.length === 0)
    replaceChildren(empty, [
      emptyState(
        'No traffic learned yet',
        'Inject a tap into a pod (label its namespace meshward.io/inject=enabled), learn from a capture offline with `meshward learn FILE.pcap`, or see the bundled Bookinfo demo: `npm start` on a fresh data directory (without --no-demo).',
      ),
    ]);
  else
    replaceChildren(empty, [
      emptyState('Nothing matches these filters', 'Clear a filter, or show mesh control traffic.'),
    ]);
};

const problem = (answer: ApiAnswer<unknown>) => {
  if (answer.ok) return;
  byId('status').textContent =
    answer.status === 403 ? `Forbidden: ${answer.message}` : `Could not refresh: ${answer.message}`;
};

const refreshGraph = async (force: boolean) => {
  const [graph, violations] = await Promise.all([
    api.get<ServiceGraph>('/api/graph'),
    api.get<{ findings: FindingRecord[] }>('/api/violations?limit=1000'),
  ]);
  problem(graph);
  if (!graph.ok) return;
  byId('status').textContent =
    `Updated ${new Date().toLocaleTimeString()}: ${graph.value.nodes.length} services, ${graph.value.edges.length} rules.`;
  const data = { graph: graph.value, violations: violations.ok ? violations.value.findings : [] };
  if (!changed('graph', data, force)) return;
  state.graph = data.graph;
  state.violations = data.violations;
  drawGraph();
};

const refreshRules = async (root: HTMLElement, force: boolean) => {
  const [rules, groups] = await Promise.all([
    api.get<{ rules: Rule[] }>('/api/rules'),
    api.get<{ groups: Group[] }>('/api/groups'),
  ]);
  problem(rules);
  if (!rules.ok || !changed('rules', rules.value, force)) return;
  renderRulesView(root, rules.value.rules, groups.ok ? groups.value.groups.map((g) => g.key).sort() : []);
};

const refreshTimeline = async (root: HTMLElement, force: boolean) => {
  const [threats, violations] = await Promise.all([
    api.get<{ findings: FindingRecord[] }>('/api/findings?kind=threat&limit=200'),
    api.get<{ findings: FindingRecord[] }>('/api/violations?limit=200'),
  ]);
  problem(threats);
  const records = [
    ...(threats.ok ? threats.value.findings : []),
    ...(violations.ok ? violations.value.findings : []),
  ];
  if (changed('timeline', records, force)) renderTimelineView(root, records, context());
};

const refreshAudit = async (root: HTMLElement, force: boolean) => {
  const audit = await api.get<{ audit: AuditEntry[] }>('/api/audit?limit=200');
  if (changed('audit', audit, force)) renderAuditView(root, audit);
};

const refreshCaptures = async (root: HTMLElement, force: boolean) => {
  const captures = await api.get<{ captures: CaptureView[] }>('/api/captures?limit=200');
  if (changed('captures', captures, force)) renderCapturesView(root, captures);
};

const refreshExport = async (root: HTMLElement, force: boolean) => {
  if (state.graph === undefined) await refreshGraph(false);
  const namespaces = state.model?.namespaces ?? [];
  if (changed('export', namespaces, force)) renderExportView(root, api, namespaces);
};

const refreshers: Record<Exclude<View, 'graph'>, (root: HTMLElement, force: boolean) => Promise<void>> = {
  rules: refreshRules,
  timeline: refreshTimeline,
  captures: refreshCaptures,
  audit: refreshAudit,
  export: refreshExport,
};

let refreshing = false;

/** One refresh at a time: a slow control plane must not pile up requests every five seconds. */
const refresh = async (force = false) => {
  if (loadToken() === undefined || (refreshing && !force)) return;
  refreshing = true;
  try {
    if (state.view === 'graph') await refreshGraph(force);
    else await refreshers[state.view](byId(`view-${state.view}`), force);
  } finally {
    refreshing = false;
  }
};

const showView = (view: View) => {
  state.view = view;
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
    const selected = tab.dataset.view === view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  for (const section of document.querySelectorAll<HTMLElement>('.view'))
    section.hidden = section.id !== `view-${view}`;
  if (view === 'graph') state.graphView?.resize();
  void refresh(true);
};

const signOut = (message: string) => {
  clearToken();
  window.clearInterval(state.timer);
  byId('tabs').hidden = true;
  byId('sign-out').hidden = true;
  byId('who').textContent = '';
  for (const section of document.querySelectorAll<HTMLElement>('.view')) section.hidden = true;
  byId('login').hidden = false;
  renderLogin(byId('login'), message, (token) => {
    saveToken(token);
    start();
  });
};

const start = () => {
  byId('login').hidden = true;
  byId('tabs').hidden = false;
  byId('sign-out').hidden = false;
  byId('who').textContent = `signed in as ${roleOfToken(loadToken() ?? '') ?? 'unknown role'}`;
  state.drawn.clear();
  showView(state.view);
  window.clearInterval(state.timer);
  state.timer = window.setInterval(() => {
    if (!document.hidden) void refresh();
  }, pollMs);
};

const wire = () => {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role=tab]')];
  for (const [index, tab] of tabs.entries()) {
    tab.addEventListener('click', () => showView(tab.dataset.view as View));
    tab.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (step === 0) return;
      const next = tabs[(index + step + tabs.length) % tabs.length];
      next?.focus();
      next?.click();
    });
  }
  byId('filters').addEventListener('change', drawGraph);
  byId('service-search').addEventListener(
    'input',
    () => state.model && renderServiceList(state.model, selectService),
  );
  byId('relayout').addEventListener('click', () => state.graphView?.relayout());
  byId('fit').addEventListener('click', () => state.graphView?.fit());
  byId('sign-out').addEventListener('click', () => signOut(''));
};

wire();
if (loadToken() === undefined) signOut('');
else start();
