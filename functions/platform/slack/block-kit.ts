/** Block Kit builders that keep within Slack's documented limits by truncating, so a long value never breaks a message. */

/** Limits from https://api.slack.com/reference/block-kit (blocks, block elements, composition objects). */
export const blockKitLimits = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** chat.postMessage truncates `text` beyond this. */
  messageText: 40000,
} as const;

export type PlainText = { type: 'plain_text'; text: string; emoji?: boolean };
export type Mrkdwn = { type: 'mrkdwn'; text: string };
export type Confirm = {
  title: PlainText;
  text: PlainText;
  confirm: PlainText;
  deny: PlainText;
  style?: 'danger';
};
export type Button = {
  type: 'button';
  text: PlainText;
  action_id: string;
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: Confirm;
};
export type Block =
  | { type: 'header'; text: PlainText; block_id?: string }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[]; block_id?: string }
  | { type: 'context'; elements: Mrkdwn[]; block_id?: string }
  | { type: 'actions'; elements: Button[]; block_id?: string }
  | { type: 'divider' };

/** `text` is the notification fallback; with no blocks, the text is the message. */
export type SlackMessage = { text: string; blocks: Block[] };

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export const escapeMrkdwn = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const plain = (text: string, max: number): PlainText => ({ type: 'plain_text', text: truncate(text, max) });

export const header = (text: string): Block => ({
  type: 'header',
  text: plain(text, blockKitLimits.headerText),
});

export const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, blockKitLimits.sectionText) },
});

export const fields = (pairs: readonly [string, string][]): Block => ({
  type: 'section',
  fields: pairs.slice(0, blockKitLimits.sectionFields).map(([name, value]) => ({
    type: 'mrkdwn',
    text: truncate(`*${name}*\n${value}`, blockKitLimits.fieldText),
  })),
});

export const context = (texts: readonly string[]): Block => ({
  type: 'context',
  elements: texts
    .slice(0, blockKitLimits.contextElements)
    .map((text) => ({ type: 'mrkdwn', text: truncate(text, blockKitLimits.contextText) })),
});

export const confirm = (title: string, text: string, yes: string, no = 'Cancel'): Confirm => ({
  title: plain(title, blockKitLimits.confirmTitle),
  text: plain(text, blockKitLimits.confirmText),
  confirm: plain(yes, blockKitLimits.confirmButton),
  deny: plain(no, blockKitLimits.confirmButton),
  style: 'danger',
});

export const button = (spec: {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: Confirm;
}): Button => ({
  type: 'button',
  text: plain(spec.text, blockKitLimits.buttonText),
  action_id: spec.actionId.slice(0, blockKitLimits.actionId),
  value: spec.value.slice(0, blockKitLimits.buttonValue),
  ...(spec.style === undefined ? {} : { style: spec.style }),
  ...(spec.confirm === undefined ? {} : { confirm: spec.confirm }),
});

export const actions = (blockId: string, buttons: readonly Button[]): Block => ({
  type: 'actions',
  block_id: blockId.slice(0, blockKitLimits.blockId),
  elements: buttons.slice(0, blockKitLimits.actionsElements),
});

/** A message: at most 50 blocks (the last ones give way), and a plain-text fallback for notifications. */
export const message = (text: string, blocks: readonly Block[]): SlackMessage => ({
  text: truncate(text, blockKitLimits.messageText),
  blocks: blocks.slice(0, blockKitLimits.blocksPerMessage),
});
