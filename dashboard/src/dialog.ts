/** A modal dialog with a form (native <dialog>: focus stays inside, Esc cancels); focus returns to the opener. */
import { el } from './dom.ts';

export type DialogOptions = {
  title: string;
  description: string;
  fields: HTMLElement[];
  confirm: string;
  /** Resolves to an error message to show (the dialog stays open), or undefined to close it. */
  onConfirm(form: FormData): Promise<string | undefined>;
  /** `danger` styles the confirm button as destructive. */
  tone?: 'danger' | 'normal';
};

export const openDialog = (options: DialogOptions): HTMLDialogElement => {
  const opener = document.activeElement as HTMLElement | null;
  const error = el('p', { class: 'error', role: 'alert' });
  const submit = el('button', { type: 'submit', class: `confirm ${options.tone ?? 'normal'}` }, [
    options.confirm,
  ]);
  const dialog = el('dialog', {
    'aria-labelledby': 'dialog-title',
    'aria-describedby': 'dialog-description',
  });
  const cancel = el('button', { type: 'button', class: 'cancel', onclick: () => dialog.close() }, ['Cancel']);
  const form = el('form', { method: 'dialog' }, [
    el('h2', { id: 'dialog-title' }, [options.title]),
    el('p', { id: 'dialog-description' }, [options.description]),
    ...options.fields,
    error,
    el('div', { class: 'dialog-buttons' }, [cancel, submit]),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    void options.onConfirm(new FormData(form)).then((problem) => {
      submit.disabled = false;
      if (problem === undefined) dialog.close();
      else error.textContent = problem;
    });
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    opener?.focus();
  });
  dialog.append(form);
  document.body.append(dialog);
  dialog.showModal();
  form.querySelector<HTMLElement>('input, textarea, select')?.focus();
  return dialog;
};

/** A labelled input for a dialog form. */
export const field = (
  label: string,
  attrs: Record<string, string | number | boolean | undefined>,
  hint?: string,
): HTMLElement =>
  el('label', { class: 'field' }, [
    label,
    el(attrs.rows === undefined ? 'input' : 'textarea', attrs),
    hint === undefined ? undefined : el('small', { class: 'muted' }, [hint]),
  ]);
