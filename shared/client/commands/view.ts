/** How messages are shown: /numbers on|off puts each message's number in its channel before its name (`#12 kyle: hi`). */
import type { Command, CommandContext } from "./types.js";

/** /numbers. */
export const view: readonly Command[] = [
  { name: "numbers", args: "on|off", help: "show message numbers (#12), for /edit and /delete", run: numbers },
];

function numbers(c: CommandContext, arg: string): void {
  const word = arg.toLowerCase();
  if (word !== "on" && word !== "off" && word !== "") return c.screen.warning("usage: /numbers on|off");
  /* A bare /numbers says how things are. */
  if (word !== "") c.numbers = word === "on";
  c.screen.output([c.numbers ? "message numbers are shown (#12 kyle: hi); /numbers off hides them" : "message numbers are hidden; /numbers on shows them"]);
}
