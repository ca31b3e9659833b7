/** ANSI styles, or identity functions when colour is off: renderers never check a TTY themselves. */
export interface Colours {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

export function colours(enabled: boolean): Colours {
  if (!enabled) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain };
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}

/**
 * Colour only for a person at a terminal: stdout is a TTY and NO_COLOR is unset or empty
 * (no-color.org). FORCE_COLOR=1 turns it on for a pipe; NO_COLOR still wins.
 */
export function colourEnabled(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return isTTY;
}
