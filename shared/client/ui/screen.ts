/**
 * Where the chat meets the person: incoming lines, notices, command output,
 * and typed input. A terminal gets a prompt that incoming lines never break
 * (they are printed above it and the half-typed line is redrawn, cursor
 * where it was); anything else gets plain lines, messages on stdout and
 * notices on stderr, so the output can be piped or compared by a script.
 */
import { PlainScreen } from "./plain-screen.js";
import type { Screen, ScreenOptions } from "./screen-types.js";
import { TerminalScreen } from "./terminal-screen.js";

export type { Screen, ScreenOptions } from "./screen-types.js";

/** The screen for this terminal or pipe: a prompt when interactive, plain lines otherwise. */
export function createScreen(options: ScreenOptions): Screen {
  return options.interactive ? new TerminalScreen(options) : new PlainScreen(options);
}
