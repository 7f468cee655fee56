/**
 * Figures and the table they are printed in. Every figure pairs what
 * mc_server did with what the bare baseline did in the same run.
 */

export interface Figure {
  /** The benchmark it belongs to, e.g. "Post throughput". */
  section: string;
  /** What was measured, e.g. "16 clients, in memory". */
  name: string;
  unit: "posts/s" | "msgs/s" | "logins/s" | "MB/s" | "us" | "ms" | "B" | "count";
  chat: number;
  /** The bare zeromq.js figure for the same traffic; null where there is none. */
  bare: number | null;
  /** chat / bare. */
  ratio: number | null;
  /** The pyzmq relay's figure for the same traffic (bench/servers/pyzmq_relay.py), where measured. */
  python?: number;
  /**
   * chat / python: for rates, above 1 is better than the Python solution; for
   * times, below 1. Where both ran several rounds, the median of the rounds'
   * own ratios (pairedRatio), given by the benchmark.
   */
  pythonRatio?: number;
  /** The target, in words: "ratio >= 0.85", "chat <= 300 B". */
  target?: string;
  met?: boolean;
  note?: string;
}

/** A figure with its ratio; `target` compares the ratio (or, with `on: "chat"`, the chat figure) to a bound. */
export function figure(
  f: Omit<Figure, "ratio" | "met" | "target">,
  target?: { atLeast?: number; atMost?: number; on?: "ratio" | "chat" },
): Figure {
  const ratio = f.bare === null || f.bare === 0 ? null : f.chat / f.bare;
  if (f.pythonRatio === undefined && f.python !== undefined && Number.isFinite(f.python) && f.python !== 0) f = { ...f, pythonRatio: f.chat / f.python };
  if (!target) return { ...f, ratio };
  const on = target.on ?? "ratio";
  const value = on === "ratio" ? ratio : f.chat;
  const bound = target.atLeast ?? target.atMost!;
  const sign = target.atLeast !== undefined ? ">=" : "<=";
  const met = value !== null && (target.atLeast !== undefined ? value >= bound : value <= bound);
  const shown = on === "ratio" ? `ratio ${sign} ${bound}` : `${sign} ${format(bound, f.unit)}`;
  return { ...f, ratio, target: shown, met };
}

/** A number with its unit, rounded for reading. */
export function format(v: number, unit: Figure["unit"]): string {
  if (!Number.isFinite(v)) return "-";
  switch (unit) {
    case "posts/s":
    case "msgs/s":
    case "logins/s":
      return `${Math.round(v).toLocaleString("en-US")}/s`;
    case "MB/s":
      return `${v.toFixed(1)} MB/s`;
    case "us":
      return `${v < 100 ? v.toFixed(1) : Math.round(v)} µs`;
    case "ms":
      return `${v.toFixed(3)} ms`;
    case "B":
      return `${Math.round(v).toLocaleString("en-US")} B`;
    case "count":
      return Math.round(v).toLocaleString("en-US");
  }
}

/** The table of figures as Markdown, one section heading row per benchmark. */
export function table(figures: Figure[]): string {
  const rows = [["Figure", "mc_server", "bare zeromq.js", "ratio", "target", "met", "pyzmq relay", "vs pyzmq"], ["---", "---:", "---:", "---:", "---", "---", "---:", "---:"]];
  let section = "";
  for (const f of figures) {
    if (f.section !== section) {
      section = f.section;
      rows.push([`**${section}**`, "", "", "", "", "", "", ""]);
    }
    rows.push([
      f.name + (f.note ? ` (${f.note})` : ""),
      format(f.chat, f.unit),
      f.bare === null ? "-" : format(f.bare, f.unit),
      f.ratio === null ? "-" : f.ratio.toFixed(2),
      f.target ?? "",
      f.met === undefined ? "" : f.met ? "yes" : "**no**",
      f.python === undefined ? "" : format(f.python, f.unit),
      f.pythonRatio === undefined ? "" : f.pythonRatio.toFixed(2),
    ]);
  }
  return rows.map((r) => `| ${r.join(" | ")} |`).join("\n");
}
