/**
 * The word rule of alerts: what counts as a word of a message, when two
 * spellings are one word, and where a watched keyword may match.
 *
 * Words are maximal runs of letters, combining marks, digits and connector
 * punctuation (`\p{L}\p{M}\p{N}\p{Pc}`: the underscore among them) of any
 * script. Everything else separates words: spaces, punctuation (the
 * apostrophe too, so `deploy` matches "deploy's"), symbols and emoji. So
 * `deploy` matches "Deploy at 10", "deploy!" and "#deploy", but not
 * "deployment", "redeploy" or "deploy_v2".
 *
 * Case: text is folded as account names are (accounts/names.ts): NFC,
 * upper- then lower-cased, NFC again, which also makes "ß" and "ss", and
 * a final and a medial sigma, one letter. The typographic apostrophe (’)
 * is read as ' so that `don't` matches "don’t".
 *
 * A keyword of one word matches that word. A keyword with punctuation in
 * it (`node.js`, `#deploy`, `c++`) matches the same characters, folded,
 * starting and ending where words do: `node.js` matches "Node.js!" but not
 * "node.jsx" or "node js". A keyword needs at least one letter or digit:
 * it is found through its first word.
 */
import { accountKey } from "../accounts/names.js";

const WORD_CHAR = /[\p{L}\p{M}\p{N}\p{Pc}]/u;
/** One word of a folded text; lastIndex is the caller's. */
export const WORD = /[\p{L}\p{M}\p{N}\p{Pc}]+/gu;

const ASCII = /^[\x00-\x7f]*$/;

/** Folds text for comparison (see above); the keys of watched keywords and the text they are looked for in. */
export function fold(text: string): string {
  /* ASCII is in NFC and lower-casing folds it whole: a sixth of the time of the full fold. */
  if (ASCII.test(text)) return text.toLowerCase();
  const folded = accountKey(text);
  return folded.includes("\u2019") ? folded.replaceAll("\u2019", "'") : folded;
}

/** A watched keyword, ready for matching. */
export interface Keyword {
  /** As its watcher wrote it (what an alert reports). */
  keyword: string;
  /** Folded: how it is compared. */
  folded: string;
  /** Its first word, folded: the key it is found under. */
  first: string;
  /** Where `first` starts in `folded`. */
  offset: number;
  /** Whether it is that one word and nothing else (then finding the word is the match). */
  single: boolean;
}

/** The keyword as matched; undefined when it has no letter or digit (nothing could find it). */
export function parseKeyword(keyword: string): Keyword | undefined {
  const folded = fold(keyword);
  const m = new RegExp(WORD.source, "u").exec(folded);
  if (!m) return undefined;
  return { keyword, folded, first: m[0], offset: m.index, single: m[0].length === folded.length };
}

/**
 * Whether keyword `k` (not single) matches folded `text` where its first
 * word was found as the whole word at `start`: the rest follows, and a
 * keyword ending in a word character ends where a word does.
 */
export function matchesAt(k: Keyword, text: string, start: number): boolean {
  const from = start - k.offset;
  if (from < 0 || !text.startsWith(k.folded, from)) return false;
  const end = from + k.folded.length;
  if (end === text.length || !isWordChar(k.folded, k.folded.length - 1)) return true;
  return !isWordChar(text, end);
}

/** Whether the character at `i` (or ending at `i`, for a low surrogate) is a word character. */
function isWordChar(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c >= 0xdc00 && c <= 0xdfff && i > 0) i--;
  return WORD_CHAR.test(String.fromCodePoint(s.codePointAt(i)!));
}
