/**
 * How the terminal client looks. Each user's name has a stable colour (a
 * hash of the name onto a palette, as WeeChat does), the user's own lines
 * and lines that mention them carry a mark in the left gutter (so they
 * stand out without colour too), the mention itself is highlighted, history
 * is dimmed. What a piped run needs too (colour or not, the palette, the
 * marks, piped lines) is in paint.ts, re-exported here.
 */
import { Chalk, type ChalkInstance } from "chalk";
import stringWidth from "string-width";
import wrapAnsi from "wrap-ansi";
import { linePrefix, markedBody, recipient, type LineParts, type MessageFlags, type Span } from "./format.js";
import { FREE_MARK, MENTION_MARK, OWN_MARK, PLAIN_CHALK, styleWith, type Style } from "./paint.js";

export * from "./paint.js";

/** The style for a screen, with or without colour, at once (paint.ts's loadStyle imports chalk only for colour). */
export function createStyle(color: boolean): Style {
  return styleWith(color ? new Chalk({ level: 1 }) : PLAIN_CHALK);
}

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

function highlight(body: string, spans: readonly Span[], chalk: ChalkInstance): string {
  let out = "";
  let at = 0;
  for (const [start, end] of spans) {
    out += body.slice(at, start) + chalk.inverse.bold(body.slice(start, end));
    at = end;
  }
  return out + body.slice(at);
}
