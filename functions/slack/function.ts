/** Registers the Slack edge: interactivity (buttons) and the `/meshward` slash command. */
import type { CloudFunction } from '../cloud-function.ts';
import { handler } from './handler.ts';

export const slackFunction: CloudFunction = {
  id: 'slack',
  routes: ['POST /slack/actions', 'POST /slack/commands'],
  handler,
};
