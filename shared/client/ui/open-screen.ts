/**
 * The screen a client run opens: the terminal's (string-width, wrap-ansi,
 * the prompt and its redrawing) is loaded only when the run is interactive,
 * so a piped client does not pay for it at start.
 */
import { PlainScreen } from "./plain-screen.js";
import type { Screen, ScreenOptions } from "./screen-types.js";

/** As createScreen (screen.ts), loading the terminal screen only when it is used. */
export async function openScreen(options: ScreenOptions): Promise<Screen> {
  if (!options.interactive) return new PlainScreen(options);
  const { TerminalScreen } = await import("./terminal-screen.js");
  return new TerminalScreen(options);
}
