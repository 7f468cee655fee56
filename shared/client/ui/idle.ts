/** How long someone has been idle, short, for /who: `idle 45s`, `idle 5m`, `idle 2h 5m`, `idle 3d 4h`. */
import { DateTime } from "luxon";

/** The idle time since `active` (ISO), as /who shows it; a clock slightly ahead of ours counts as 0s. */
export function displayIdle(active: string, now: DateTime = DateTime.now()): string {
  const t = DateTime.fromISO(active);
  if (!t.isValid) return "idle ?";
  const s = Math.max(0, Math.floor(now.diff(t).as("seconds")));
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60];
  if (d > 0) return `idle ${d}d ${h}h`;
  if (h > 0) return `idle ${h}h ${m}m`;
  return m > 0 ? `idle ${m}m` : `idle ${s}s`;
}
