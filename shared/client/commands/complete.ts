/**
 * Tab completion, derived from the registry: command names, then the
 * argument of a command that declares what it completes, else the name of
 * someone present.
 */
import { COMMANDS } from "./index.js";
import type { Command, Completions } from "./types.js";

/**
 * Completes the word before the cursor: a command name after a leading "/",
 * a command's argument (a channel after /join or /leave, a user or group
 * after /msg or /query, a subcommand after /group), else a user's
 * name ("name: " at the start of a line, as chat clients do). Returns
 * readline's pair: the candidates and the text they replace.
 */
export function complete(line: string, known: Completions, available: readonly Command[]): [string[], string] {
  if (/^\/\S*$/.test(line)) {
    const hits = available.map((c) => `/${c.name}`).filter((c) => c.startsWith(line.toLowerCase()));
    return [hits.length === 1 ? [`${hits[0]} `] : hits, line];
  }
  /* Any registered command's argument completes, offered here or not: part 3's /join then gets its hint on Enter. */
  const typed = /^\/(\S+)\s+(\S*)$/.exec(line);
  const command = typed ? COMMANDS.find((c) => c.name === typed[1]!.toLowerCase()) : undefined;
  if (typed && command?.words) return candidates(pick(command.words, typed[2]!), typed[2]!);
  if (typed && command?.completes) return argument(command.completes, typed[2]!, known);
  const [word, at, partial] = /(@?)(\S*)$/.exec(line)!;
  if (partial === "") return [[], word];
  const hits = pick(known.names, partial).map((n) => at + n);
  if (hits.length !== 1) return [hits, word];
  return [[line.length === word.length && at === "" ? `${hits[0]}: ` : `${hits[0]} `], word];
}

/** Completes a command's argument `word`; a channel may be typed with its "#". */
function argument(kind: keyof Completions, word: string, known: Completions): [string[], string] {
  const [, prefix, partial] = kind === "channels" ? /^(#?)(.*)$/s.exec(word)! : ["", "", word];
  return candidates(pick(known[kind], partial!).map((c) => prefix + c), word);
}

/** readline's pair: one hit completes with a space after it; several are listed. */
function candidates(hits: string[], word: string): [string[], string] {
  return [hits.length === 1 ? [`${hits[0]} `] : hits, word];
}

/** The candidates starting with `partial`, any case, sorted, once each. */
function pick(candidates: readonly string[], partial: string): string[] {
  const lower = partial.toLowerCase();
  return [...new Set(candidates)].filter((c) => c.toLowerCase().startsWith(lower)).sort();
}
