/**
 * A post's body as a status line quotes it: short, and with nothing a
 * terminal would act on (the control characters it was refused for).
 */

/** How many characters of a refused body are quoted back. */
const PREVIEW_CHARS = 60;

/** The first 60 characters of `body` on one line, control characters as `?`, and `…` when cut. */
export function preview(body: string): string {
  const chars = [...body.replace(/[\n\t]/g, " ").replace(/\p{Cc}/gu, "?")];
  return chars.length > PREVIEW_CHARS ? `${chars.slice(0, PREVIEW_CHARS).join("")}…` : chars.join("");
}
