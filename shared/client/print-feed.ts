/**
 * Part 2's subscriber: every message published, one line each in the
 * assignment's `username: message (time)` form (an edit or a deletion as
 * `-!- kyle edited #12: new text`), until Ctrl-C, or until the reader of
 * its output goes away (`| head`). Lines go out in batches (line-output.ts).
 */
import { ALL } from "../protocol/limits.js";
import type { CurveClientKeys } from "../transport/curve.js";
import type { HandshakeError } from "../errors.js";
import { Feed } from "./feed/feed.js";
import { changeLine, isChange } from "./ui/edit-notices.js";
import { lineParts, plainLine } from "./ui/format.js";
import { LineOutput, quietOnError } from "./ui/line-output.js";

/** Where part 2's subscriber listens and writes. */
export interface PrintFeedOptions {
  pub: string;
  curve?: CurveClientKeys | undefined;
  out?: NodeJS.WritableStream;
  errors?: NodeJS.WritableStream;
}

/** Prints until SIGINT or SIGTERM, then resolves; rejects with HandshakeError when the server can never be reached. */
export async function printFeed(o: PrintFeedOptions): Promise<void> {
  const out = new LineOutput(o.out ?? process.stdout, () => stop());
  const errors = o.errors ?? process.stderr;
  quietOnError(errors);
  const status = (text: string) => {
    out.flush();
    errors.write(text);
  };
  let ready = false;
  let stopped = false;
  let failure: HandshakeError | undefined;
  let stop = () => {};
  const feed = new Feed({
    pub: o.pub,
    history: 0,
    curve: o.curve,
    onFailure: (err) => {
      failure ??= err;
      stop();
    },
    onMessage: (m) => out.write(isChange(m) ? `-!- ${changeLine(m, false)}\n` : `${plainLine(lineParts(m, false))}\n`),
    onNotice: (n) => {
      if (failure || stopped) return; // closing wakes a pending follow: it is not a connection
      if (n.type === "ready") {
        ready = true;
        status(`listening to ${o.pub} (Ctrl-C to stop)\n`);
      } else if (n.type === "silent") {
        status(ready ? "no heartbeat from the server; waiting for it\n" : `waiting for the server at ${o.pub} ...\n`);
      } else if (n.type === "back" && ready) {
        status("the server's heartbeat is back\n");
      }
    },
  });
  void feed.follow(ALL);
  await new Promise<void>((resolve) => {
    stop = resolve;
    if (out.closed) resolve();
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  stopped = true;
  out.flush();
  feed.close();
  await feed.closed();
  if (failure) throw failure;
}
