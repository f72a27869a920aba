/** What one attempt to deliver a batch came to: delivered (with any commands), or failed and whether to retry. */

export type SendResult =
  | { ok: true; status: number; commands: string[] }
  | { ok: false; retry: boolean; status?: number; reason: string };
