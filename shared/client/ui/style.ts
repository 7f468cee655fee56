/**
 * How the terminal client looks. Each user's name has a stable colour (a
 * hash of the name onto a palette, as WeeChat does), the user's own lines
 * and lines that mention them carry a mark in the left gutter (so they
 * stand out without colour too), the mention itself is highlighted, history
 * is dimmed.
 *
 * Whether to colour at all follows the usual conventions: --color or
 * --no-color decides; else FORCE_COLOR forces it (FORCE_COLOR=0 forbids it);
 * else never with NO_COLOR set (chalk does not read it), with TERM=dumb, or
 * when the client is not talking to a terminal.
 */
import { Chalk, type ChalkInstance, type ForegroundColorName } from "chalk";
import stringWidth from "string-width";
import wrapAnsi from "wrap-ansi";
import { linePrefix, markedBody, plainLine, recipient, type LineParts, type MessageFlags, type Span } from "./format.js";

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

/** The style for a screen, with or without colour. */
export function createStyle(color: boolean): Style {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  return {
    color,
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

/** Narrower than this, the text of a message no longer hangs under itself but wraps at column 0. */
const MIN_TEXT_COLUMNS = 20;

/**
 * A message line for the terminal: a one-character gutter, the time, the
 * channel where several are visible, the name, the body. The body wraps
 * at `columns` under its own first character (a hanging indent, as irssi
 * and WeeChat draw it), measured in display cells, and so do the further
 * lines of a multi-line body. A private or group message keeps its
 * `<<<kyle->zoe: ` and `>>>` marks, in the private colour, so it stands
 * apart from channel lines without colour too.
 */
export function styledLine(p: LineParts, flags: MessageFlags, style: Style, columns = Infinity): string {
  const { chalk } = style;
  const mentioned = flags.mentions.length > 0;
  const gutter = flags.own ? chalk.bold(OWN_MARK) : mentioned ? chalk.yellow.bold(MENTION_MARK) : " ";
  const where = linePrefix(p);
  /* As IRC marks a user who has not identified: a free name, where the server has accounts. */
  const name = (flags.free ? chalk.dim(FREE_MARK) : "") + (flags.own ? chalk.bold(style.name(p.user)) : style.name(p.user));
  const body = markedBody({ ...p, body: highlight(p.body, flags.mentions, chalk) }, (text) => chalk.dim.italic(text));
  const to = p.to;
  const prefix = to
    ? `${gutter} ${chalk.dim(p.time)} ${style.private("<<<")}${name}${style.private(`->${recipient(to)}:`)} ${p.action ? `* ${name} ` : ""}`
    : `${gutter} ${chalk.dim(p.time)} ${where}${p.action ? `* ${name} ` : `${name}: `}`;
  const line = hang(prefix, to ? body + style.private(">>>") : body, columns);
  return flags.history ? chalk.dim(line) : line;
}

/** `prefix` then `body`, the body wrapped to `columns` and its rows indented to start under its first. */
function hang(prefix: string, body: string, columns: number): string {
  const indent = stringWidth(prefix);
  if (columns === Infinity) return prefix + body.replaceAll("\n", `\n${" ".repeat(indent)}`);
  /* Too narrow for the text beside the name: the whole line wraps. */
  if (columns - indent < MIN_TEXT_COLUMNS) return wrapLines(prefix + body, columns);
  return prefix + wrapLines(body, columns - indent).replaceAll("\n", `\n${" ".repeat(indent)}`);
}

/** Each line of `text` wrapped to `width` columns at spaces (a longer word is cut), its rows starting at its own indentation. */
function wrapLines(text: string, width: number): string {
  return text.split("\n").map((line) => {
    const lead = /^ */.exec(line)![0].slice(0, Math.floor(width / 2));
    return lead + wrapAnsi(line.slice(lead.length), width - lead.length, { hard: true }).replaceAll("\n", `\n${lead}`);
  }).join("\n");
}

/** A message line for piped output: the plain line, with the name coloured when colour is forced. */
export function pipedLine(p: LineParts, style: Style): string {
  return style.color ? plainLine({ ...p, user: style.name(p.user) }) : plainLine(p);
}

function highlight(body: string, spans: readonly Span[], chalk: ChalkInstance): string {
  let out = "";
  let at = 0;
  for (const [start, end] of spans) {
    out += body.slice(at, start) + chalk.inverse.bold(body.slice(start, end));
    at = end;
  }
  return out + body.slice(at);
}
