/**
 * How the client looks, the part every run needs: whether to colour, each
 * user's colour, the gutter marks, and piped lines. Terminal lines, which
 * wrap to the screen's width in display cells, are in style.ts, loaded only
 * by an interactive client (string-width and wrap-ansi cost a piped run's
 * start for nothing).
 *
 * Whether to colour at all follows the usual conventions: --color or
 * --no-color decides; else FORCE_COLOR forces it (FORCE_COLOR=0 forbids it);
 * else never with NO_COLOR set (chalk does not read it), with TERM=dumb, or
 * when the client is not talking to a terminal.
 *
 * chalk is imported only when there is colour to paint (loadStyle): a
 * piped run's start does without it (issue 16).
 */
import type { ChalkInstance, ForegroundColorName } from "chalk";
import { plainLine, type LineParts } from "./format.js";

/** The paint every part of the screen uses; without colour each function returns its text unchanged. */
export interface Style {
  readonly color: boolean;
  /** A user's name in its own colour. */
  name(user: string): string;
  /** A status line from the client itself. */
  notice(text: string): string;
  /** A status line about something that went wrong. */
  warning(text: string): string;
  prompt(text: string): string;
  /** Secondary text: times, counts. */
  dim(text: string): string;
  /** What is private: private and group messages, alerts, a query's prompt. */
  private(text: string): string;
  chalk: ChalkInstance;
}

/** What decides colour: the terminal, the environment, and --color/--no-color. */
export interface ColorInputs {
  /** Whether the client runs in a terminal (stdin and stdout both TTYs). */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** --color / --no-color from the command line, when given. */
  flag?: boolean | undefined;
}

/** Whether to colour, by the conventions above. */
export function useColor({ isTTY, env, flag }: ColorInputs): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  /* no-color.org: set and not empty. */
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return isTTY;
}

/* Both shades of six hues; no black or white, which vanish on one background or the other. */
const PALETTE: readonly ForegroundColorName[] = [
  "red", "green", "yellow", "blue", "magenta", "cyan",
  "redBright", "greenBright", "yellowBright", "blueBright", "magentaBright", "cyanBright",
];

/** The palette index of a name: the same on every run and machine, so people learn each other's colours. */
export function nameColorIndex(user: string): number {
  let h = 5381; // djb2, as WeeChat's nick colours
  for (const ch of user) h = (Math.imul(h, 33) + ch.codePointAt(0)!) >>> 0;
  return h % PALETTE.length;
}

/**
 * What chalk at level 0 does, without chalk: every chain of styles returns
 * its text unchanged (several arguments joined with spaces).
 */
export const PLAIN_CHALK: ChalkInstance = new Proxy((...text: unknown[]) => (text.length === 1 ? String(text[0]) : text.join(" ")), {
  get: (_target, key) => (key === "level" ? 0 : key === "then" ? undefined : PLAIN_CHALK),
}) as unknown as ChalkInstance;

/** The style for a screen, with or without colour; chalk is loaded only for colour. */
export async function loadStyle(color: boolean): Promise<Style> {
  return styleWith(color ? new (await import("chalk")).Chalk({ level: 1 }) : PLAIN_CHALK);
}

/** The style that paints with `chalk` (PLAIN_CHALK: no colour). */
export function styleWith(chalk: ChalkInstance): Style {
  return {
    color: chalk.level > 0,
    chalk,
    name: (user) => chalk[PALETTE[nameColorIndex(user)]!](user),
    notice: (text) => chalk.dim(`-!- ${text}`),
    warning: (text) => `${chalk.yellow.bold("-!-")} ${text}`,
    prompt: (text) => chalk.bold(text),
    dim: (text) => chalk.dim(text),
    private: (text) => chalk.magenta.bold(text),
  };
}

/** Gutter marks: the reader's own lines, and lines that mention the reader. */
export const OWN_MARK = ">";
export const MENTION_MARK = "!";
/** Before the name of a message not from an account, on a server that has accounts. */
export const FREE_MARK = "~";

/** A message line for piped output: the plain line, with the name coloured when colour is forced. */
export function pipedLine(p: LineParts, style: Style): string {
  return style.color ? plainLine({ ...p, user: style.name(p.user) }) : plainLine(p);
}

