/**
 * Colour for the terminal client. Each user's name has a stable colour (a
 * hash of the name onto a palette, as WeeChat does), the user's own lines
 * are marked, mentions stand out, history is dimmed.
 *
 * Whether to colour at all follows the usual conventions: never when stdout
 * is not a terminal, with NO_COLOR set (chalk does not read it), with
 * --no-color or TERM=dumb; FORCE_COLOR forces it.
 */
import { Chalk, type ChalkInstance } from "chalk";
import type { LineParts } from "./format.js";
import type { MessageFlags } from "./screen.js";

export interface Style {
  name(user: string): string;
  notice(text: string): string;
  prompt(text: string): string;
  chalk: ChalkInstance;
}

export interface ColorInputs {
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** --color / --no-color from the command line, when given. */
  flag?: boolean | undefined;
}

/** Whether to colour, by the conventions above (the flag wins over the environment). */
export function useColor({ isTTY, env, flag }: ColorInputs): boolean {
  if (flag !== undefined) return flag;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return isTTY;
}

const PALETTE = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96] as const;

/** The palette index of a name: stable across runs and machines. */
export function nameColorIndex(user: string): number {
  let h = 0;
  for (const ch of user) h = (Math.imul(h, 31) + ch.codePointAt(0)!) >>> 0;
  return h % PALETTE.length;
}

export function createStyle(color: boolean): Style {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  return {
    chalk,
    name: (user) => (color ? `\u001b[${PALETTE[nameColorIndex(user)]}m${user}\u001b[39m` : user),
    notice: (text) => chalk.dim(text),
    prompt: (text) => chalk.bold(text),
  };
}

/** A message line for the terminal. */
export function styledLine(p: LineParts, flags: MessageFlags, style: Style): string {
  const { chalk } = style;
  const where = p.channel === undefined ? "" : `${chalk.dim(`#${p.channel}`)} `;
  const time = chalk.dim(p.time);
  const name = flags.own ? chalk.bold(style.name(p.user)) : style.name(p.user);
  const body = flags.mention ? chalk.inverse(p.body) : p.body;
  const own = flags.own ? chalk.dim(">") : " ";
  const line = p.action ? `${own}${time} ${where}* ${name} ${body}` : `${own}${time} ${where}${name}: ${body}`;
  return flags.history ? chalk.dim(`${line}`) : line;
}
