/**
 * Tab's candidates, kept out of the conversation: where readline would
 * print its list of candidates into the transcript (where it stays between
 * the messages), the screen shows them on a row of the prompt area instead,
 * gone at the next key.
 */

/** readline's completer: the candidates and the text they replace. */
export type Completer = (line: string) => [string[], string];

/** Wraps `complete`: several candidates go to `show`; readline gets none where it would list them. */
export function listingCompleter(complete: Completer, show: (candidates: string[]) => void): Completer {
  return (line) => {
    const [hits, word] = complete(line);
    if (hits.length < 2) return [hits, word];
    show(hits.map((h) => h.trimEnd()));
    /* readline lists them only when Tab adds nothing to the word (else it inserts their common start). */
    return word.startsWith(commonPrefix(hits)) ? [[], word] : [hits, word];
  };
}

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? "";
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
