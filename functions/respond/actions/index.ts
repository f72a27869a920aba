/** Every response action, by id: adding one is one file and one line here. */
import type { Action } from '../action.ts';
import { capture } from './capture.ts';
import { notifySlack } from './notify-slack.ts';
import { quarantinePod } from './quarantine-pod.ts';
import { releasePod } from './release-pod.ts';
import { setMode } from './set-mode.ts';
import { webhook } from './webhook.ts';

export const actions: readonly Action[] = [quarantinePod, releasePod, capture, notifySlack, setMode, webhook];

export const actionById = (id: string): Action | undefined => actions.find((action) => action.id === id);
