/** A problem found in an input, zod-style: a stable code, the real field path and a message. */
import { z } from 'zod';

export const issueSchema = z.object({
  code: z.string(),
  path: z.string(),
  message: z.string(),
});

export type Issue = z.infer<typeof issueSchema>;

/** Renders zod issues as `path: message` lines naming the field that is wrong. */
export const describeZodError = (error: z.ZodError, root = ''): string[] =>
  error.issues.map((issue) => {
    const path = [root, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    return `${path === '' ? '(root)' : path}: ${issue.message}`;
  });
