/** Login: paste an API token; it is kept in this browser's localStorage. */
import { el, replaceChildren } from './dom.ts';

export const renderLogin = (root: HTMLElement, message: string, onToken: (token: string) => void): void => {
  const input = el('textarea', {
    id: 'token',
    name: 'token',
    rows: 4,
    'aria-describedby': 'token-help',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const form = el(
    'form',
    {
      class: 'login',
      onsubmit: (event) => {
        event.preventDefault();
        if (input.value.trim() !== '') onToken(input.value.trim());
      },
    },
    [
      el('h2', {}, ['Sign in with an API token']),
      message === '' ? undefined : el('p', { role: 'alert', class: 'error' }, [message]),
      el('label', { for: 'token' }, ['API token']),
      input,
      el('p', { id: 'token-help', class: 'muted' }, [
        '`meshward serve` writes an operator token to operator.token in its data directory (.meshward-data/operator.token for `npm start`).',
      ]),
      el('button', { type: 'submit' }, ['Sign in']),
    ],
  );
  replaceChildren(root, [form]);
  input.focus();
};
