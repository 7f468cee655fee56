/**
 * Alerts reach their accounts from the event log's committed tail, like
 * the fan-out: every committed message (not an edit or a deletion) is
 * matched once, and each account it alerts gets an alert item in its inbox
 * (shared/protocol/ops/conversations.ts), which keeps it while the account
 * is away. An inbox that is full drops the alert. The alert's time is the
 * message's own (the poster's stamp, as its channel line shows it).
 *
 * In a cluster every server runs this on the committed tail it reads (the
 * same for all); the shared store applies each alert once (replicated/).
 *
 * This runs for every post: with nothing watched it returns at once, and
 * a message's body is decoded and folded once whatever the number of
 * watchers.
 */
import type { Alert, InboxItem } from "../../protocol/index.js";
import type { CommittedBatch } from "../log/event-log.js";
import type { Alerts } from "./alerts.js";

/** Where alerts go: an account's inbox, by its key (the conversations' Inboxes). False when that inbox is full. */
export interface AlertSink {
  deliver(key: string, item: Omit<InboxItem, "m">): boolean | Promise<boolean>;
}

/** The committed-tail listener that delivers the alerts of each committed message to `sink`. */
export function alertDelivery(alerts: Alerts, sink: AlertSink, onError: (sentence: string) => void = () => {}): (batch: CommittedBatch) => void {
  const failed = (err: unknown) => onError(`could not deliver an alert: ${err instanceof Error ? err.message : String(err)}`);
  return ({ entries, numbers }) => {
    if (alerts.empty) return;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.type !== "message") continue;
      const body = e.body.toString("utf8");
      const matches = alerts.match({ channel: e.channel, user: e.user, body });
      if (matches.length === 0) continue;
      const { seq, gseq } = numbers[i]!;
      const { channel, user, kind, time } = e;
      for (const m of matches) {
        /* Literals rather than spreads: a message that alerts a thousand accounts builds a thousand of these. */
        const item: Alert = m.author === undefined
          ? { type: "alert", keyword: m.keyword, channel, seq, gseq, from: user, kind, time, body }
          : { type: "alert", author: m.author, channel, seq, gseq, from: user, kind, time, body };
        const done = sink.deliver(m.key, item);
        if (typeof done !== "boolean") done.catch(failed);
      }
    }
  };
}
