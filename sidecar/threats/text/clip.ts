/** Text for evidence cut to `max` characters, with an ellipsis when cut. */
export const clip = (text: string, max = 120): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;
