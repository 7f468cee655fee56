/** The commands every client has: /help and /me first in /help, /quit last. */
import { helpLines } from "./help.js";
import type { Command } from "./types.js";

/** /help, /me. */
export const basic: readonly Command[] = [
  {
    name: "help",
    args: "",
    help: "this list",
    run: (c) => c.screen.output(helpLines(c.available, c.user)),
  },
  {
    name: "me",
    args: "<action>",
    help: (user) => `post an action: /me waves shows * ${user} waves`,
    // "/me waves" is posted as it is read (see parseInput); only a bare /me gets here.
    run: (c, arg) => (arg === "" ? c.screen.warning("usage: /me <action>, e.g. /me waves") : c.post(arg, "me")),
  },
];

/** /quit: ends the line loop; posts typed before it are still delivered, as at the end of input. */
export const quit: Command = {
  name: "quit",
  args: "",
  help: "leave the chat (so do Ctrl-D and Ctrl-C)",
  run: () => "quit",
};
