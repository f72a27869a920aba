/** What the respond function runs with: the actions' dependencies, its store, the loaded rules and the action list. */
import type { Action } from './action.ts';
import type { ActionDeps } from './action-deps.ts';
import type { ResponseRule } from './rules/response-rule-schema.ts';
import type { ResponseStore } from './store/response-store.ts';

export type RespondDeps = {
  actionDeps: ActionDeps;
  store: ResponseStore;
  rules: readonly ResponseRule[];
  actions: readonly Action[];
  newId(): string;
};
