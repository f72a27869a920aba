/** The Slack app's public settings as stack parameters: team, app and who may press which button (user or group ids). */
import { CfnParameter } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { slackPermissions } from '#functions/slack/slack-config.ts';

export const slackParameters = (scope: Construct): Record<string, string> => {
  const param = (id: string, description: string) =>
    new CfnParameter(scope, id, { description, default: '' }).valueAsString;
  const env: Record<string, string> = {
    MESHWARD_SLACK_TEAM_ID: param('SlackTeamId', 'Slack workspace id (T…)'),
    MESHWARD_SLACK_APP_ID: param('SlackAppId', 'Slack app id (A…)'),
  };
  for (const permission of slackPermissions) {
    const name = permission[0]?.toUpperCase() + permission.slice(1);
    env[`MESHWARD_SLACK_ALLOW_${permission.toUpperCase()}`] = param(
      `SlackAllow${name}`,
      `Slack user/group ids (comma-separated) allowed to ${permission}`,
    );
  }
  return env;
};
