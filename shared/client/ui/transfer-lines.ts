/**
 * How file transfers read. An offer, from the inbox or as a channel's
 * message, names the file with its size and short hash and the command
 * that fetches it:
 *
 *   -!- kyle sends report.pdf (2.1 MB, sha256 3f2a9c1e) - /get 7
 *   -!- kyle sends report.pdf (2.1 MB, sha256 3f2a9c1e) to ops - /get 7     to a group
 *
 * A terminal shows each running transfer as a row above the prompt, redrawn
 * as it goes; piped output gets one line when each ends, nothing per chunk:
 *
 *   ↑ report.pdf to zoe  [########----------]  45%  4.7/10.5 MB  2.1 MB/s  3s left
 *   sent report.pdf (2.1 MB) to zoe as offer 7
 *   saved report.pdf (2.1 MB, sha256 3f2a9c1e) to /home/u/Downloads/mchat/report.pdf
 */
import { formatBytes, type FileOffer } from "../../protocol/index.js";
import type { ProgressReport } from "../files/progress.js";

/** The short form of a SHA-256 that people compare. */
export const shortHash = (sha256: string): string => sha256.slice(0, 8);

/** A file name from someone else as it may be shown: controls and direction overrides masked (the server refuses them too). */
export function shownName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu, "?");
}

/** `report.pdf (2.1 MB, sha256 3f2a9c1e)`. */
export function fileLabel(f: { name: string; size: number; sha256: string }): string {
  return `${shownName(f.name)} (${formatBytes(f.size)}, sha256 ${shortHash(f.sha256)})`;
}

/** An offer as its recipients read it, without the `-!-` mark; `reader`'s own offers say whom they went to. */
export function offerText(o: FileOffer, reader: string): string {
  const to = o.group || o.from === reader ? ` to ${o.to}` : "";
  return `${o.from} sends ${fileLabel(o)}${to} - /get ${o.offer}`;
}

/** Time left, as people read it: 45s, 3m05s, 1h02m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** One running transfer's row for a terminal `columns` wide: what, a bar, percent, bytes, rate, time left. */
export function progressRow(direction: "send" | "get", what: string, p: ProgressReport, columns: number, stringWidth: (text: string) => number): string {
  const percent = p.total === 0 ? 100 : Math.floor((p.done * 100) / p.total);
  const rate = p.rate > 0 ? `${formatBytes(Math.round(p.rate))}/s` : "…";
  const left = p.leftMs === undefined ? "" : `  ${formatDuration(p.leftMs)} left`;
  const head = `${direction === "send" ? "↑" : "↓"} ${what}  `;
  const tail = `  ${String(percent).padStart(3)}%  ${formatBytes(p.done)}/${formatBytes(p.total)}  ${rate}${left}`;
  const room = columns - stringWidth(head) - stringWidth(tail) - 2;
  const width = Math.min(30, room);
  if (width < 5) return `${head.trimEnd()}${tail}`;
  const filled = p.total === 0 ? width : Math.floor((p.done * width) / p.total);
  return `${head}[${"#".repeat(filled)}${"-".repeat(width - filled)}]${tail}`;
}

/** The line when an upload is done. */
export function sentLine(f: { name: string; size: number; offer: number }, to: string): string {
  return `sent ${shownName(f.name)} (${formatBytes(f.size)}) to ${to} as offer ${f.offer}`;
}

/** The line when a download is saved. */
export function savedLine(f: { name: string; size: number; sha256: string }, path: string): string {
  return `saved ${fileLabel(f)} to ${path}`;
}

/** The line when a transfer continues an earlier one. */
export function resumingLine(direction: "send" | "get", name: string, resumed: number, total: number): string {
  return `${direction === "send" ? "sending" : "fetching"} ${shownName(name)}: resuming at ${formatBytes(resumed)} of ${formatBytes(total)}`;
}
