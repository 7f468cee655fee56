/**
 * A file name chosen by someone else, made safe to create in the download
 * directory. The rules, in order:
 *
 * - Only the last path component counts: `/` and `\` both separate (a name
 *   from Windows as much as from POSIX), so `../../.bashrc` is `.bashrc`
 *   before the next rule, `C:\Windows\x.dll` is `x.dll`, `\\host\share\f`
 *   is `f`; a drive prefix without a separator (`C:evil`) loses it too.
 * - Control characters (C0, DEL, C1, NUL among them) and the bidirectional
 *   overrides that make `gpj.exe` read as `exe.jpg` become `_`.
 * - Leading dots go, and so do the spaces and dots Windows would drop at
 *   the end: a received file is never hidden from the person who fetched
 *   it, and cannot take the name of a partial download (`.<name>...mchat-part`),
 *   whose names all start with a dot. `.bashrc` is saved as `bashrc`.
 * - What is left empty (`.`, `..`, `/`, ``) becomes FALLBACK_NAME.
 * - At most NAME_MAX_BYTES of UTF-8, shortened on a character boundary
 *   before the extension, which is kept (an extension is the last dot's
 *   tail, up to 32 bytes and without spaces).
 *
 * Never overwriting is placeUnique(): the name, then `name (1).ext`,
 * `name (2).ext`..., each attempt an atomic create-if-absent (open "wx",
 * link), so a file that appears meanwhile is never clobbered.
 */
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

/** The longest file name most file systems take, in bytes. */
export const NAME_MAX_BYTES = 255;
/** The name of a file whose name had nothing usable in it. */
export const FALLBACK_NAME = "file";
/** A received file's mode: read-write for its owner, readable (as the umask allows), never executable. */
export const FILE_MODE = 0o644;
/** How many numbered names placeUnique tries before giving up. */
const MAX_ATTEMPTS = 1000;
/** The longest tail after the last dot still taken for an extension, in bytes. */
const EXTENSION_MAX_BYTES = 32;

/* C0 and C1 controls, DEL, and the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), U+200E/F marks. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** `raw`, a name from someone else, as a plain file name safe to create in any directory. */
export function safeName(raw: string, maxBytes = NAME_MAX_BYTES): string {
  const last = raw.split(/[/\\]/).pop() ?? "";
  const name = last
    .replace(/^[A-Za-z]:/, "")
    .replace(UNSAFE, "_")
    .replace(/^[\s.]+/u, "")
    .replace(/[\s.]+$/u, "");
  return fitBytes(name === "" ? FALLBACK_NAME : name, maxBytes);
}

/** `name` split before its extension: `report.pdf` is `report` and `.pdf`; a name without one has "". */
export function splitExtension(name: string): [stem: string, extension: string] {
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return [name, ""];
  const extension = name.slice(dot);
  if (/\s/u.test(extension) || Buffer.byteLength(extension) > EXTENSION_MAX_BYTES) return [name, ""];
  return [name.slice(0, dot), extension];
}

/** `name` within `maxBytes` of UTF-8: the stem shortened on a character boundary, the extension kept. */
export function fitBytes(name: string, maxBytes = NAME_MAX_BYTES): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const [stem, extension] = splitExtension(name);
  const room = maxBytes - Buffer.byteLength(extension);
  if (room < 1) return cut(name, maxBytes);
  return cut(stem, room) + extension;
}

/** The n-th alternative of `name`: `report (2).pdf`, still within NAME_MAX_BYTES. */
export function numbered(name: string, n: number): string {
  if (n === 0) return name;
  const [stem, extension] = splitExtension(name);
  const mark = ` (${n})`;
  return cut(stem, NAME_MAX_BYTES - Buffer.byteLength(mark + extension)) + mark + extension;
}

/**
 * Calls `create(path)` with `dir/name`, then `dir/name (1)`... until one
 * does not reject with EEXIST; resolves with the path taken and what
 * `create` gave. `create` must fail atomically when the path exists (open
 * "wx", link), so no existing file is ever replaced.
 */
export async function placeUnique<T>(dir: string, name: string, create: (path: string) => Promise<T>): Promise<{ path: string; result: T }> {
  for (let n = 0; n < MAX_ATTEMPTS; n++) {
    const path = join(dir, numbered(name, n));
    try {
      return { path, result: await create(path) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  throw Object.assign(new Error(`${MAX_ATTEMPTS} files named like ${name} exist in ${dir} already`), { code: "EEXIST" });
}

/** Creates a new file for `raw` in `dir` (its safe name, numbered if taken), never executable; resolves with its path and an open handle. */
export async function createUnique(dir: string, raw: string): Promise<{ path: string; handle: FileHandle }> {
  const { path, result } = await placeUnique(dir, safeName(raw), (p) => open(p, "wx", FILE_MODE));
  return { path, handle: result };
}

/** The longest prefix of `s` within `maxBytes` of UTF-8, never splitting a character. */
function cut(s: string, maxBytes: number): string {
  let bytes = 0;
  let out = "";
  for (const ch of s) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}
