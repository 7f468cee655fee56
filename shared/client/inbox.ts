/**
 * The inbox poller: private and group messages, alerts and group notices
 * reach a logged-in client only through `inbox` requests carrying its token
 * (never the PUB socket; conversations.ts). While logged in it keeps one
 * long poll at the server on its own requester (a held poll must not hold
 * up a command's question), asking for up to WAIT_MS; an attempt waits
 * ATTEMPT_MS, longer than that, so a held poll is never taken for silence
 * and resent early.
 *
 * A run starts with each login (a saved login at start-up too) and stops
 * with the logout, or when the server refuses the token (the account drops
 * it and says so: login.ts). Where it stands in the inbox is the
 * socket-free inbox-cursor.ts: the first request of a run omits `after`
 * (what came while away), later ones acknowledge what was shown.
 */
import { describeError } from "../cli.js";
import { ClosedError, type HandshakeError } from "../errors.js";
import { delay } from "../delay.js";
import { RejectedError } from "../protocol/errors.js";
import type { CurveClientKeys } from "../transport/curve.js";
import { ReliableRequester } from "../transport/requester.js";
import type { EndpointLike } from "../transport/moving-endpoint.js";
import { InboxCursor, type InboxBatch } from "./inbox-cursor.js";
import { Queries } from "./queries.js";
import { waitOutSlowDown } from "./slow-down.js";

/** How long the server may hold a poll. */
export const WAIT_MS = 20_000;
/** How long one attempt waits for the answer: the hold, and time for the answer to come back. */
export const ATTEMPT_MS = 25_000;
/** After a refusal or a bad answer, the next poll this much later. */
const RETRY_MS = 2000;
/** How long the way out waits for the server to take the acknowledgement of what was shown last. */
const ACK_MS = 300;

/** Where the inbox is and what it tells. */
export interface InboxOptions {
  endpoint: EndpointLike;
  curve?: CurveClientKeys | undefined;
  onFailure: (err: HandshakeError) => void;
  /** The login token now. */
  token: () => string | undefined;
  /** The server refused the token the poll carried, and it is still the account's: the login ended. */
  loginEnded: () => void;
  /** Resolves once this client's own login changes in progress (/logout, /passwd) are done. */
  loginSettled?: () => Promise<void>;
  /** Shows what arrived. */
  show: (batch: InboxBatch) => void;
  /** A refusal no retry mends soon (said once a run). */
  warning: (text: string) => void;
  /** A run stopped: nothing more will be shown until the next login. */
  stopped?: () => void;
}

interface Run {
  requester: ReliableRequester;
  cursor: InboxCursor;
  abort: AbortController;
  /** Resolves once what came while away is shown, or the run stops. */
  caughtUp: Promise<void>;
  done: () => void;
}

/** The long poll of one client's inbox. */
export class Inbox {
  private run: Run | undefined;
  private closed = false;

  constructor(private readonly o: InboxOptions) {}

  /** Follows the login (Account.onLogin): a token starts a run if none is running; none stops it. */
  login(token: string | undefined): void {
    if (token === undefined) this.stop();
    else if (!this.run) this.start();
  }

  /** Resolves once the current run has shown what came while away (at once without a run). */
  caughtUp(): Promise<void> {
    return this.run?.caughtUp ?? Promise.resolve();
  }

  /** Whether message `seq` of conversation `key` (inbox-cursor.ts) has been shown; true without a run (it never will be). */
  passed(key: string, seq: number): boolean {
    return this.run?.cursor.passed(key, seq) ?? true;
  }

  /**
   * The server is back after an outage, or restarted: the poll held at a
   * server that has gone will never be answered, so it is sent again now
   * instead of at the end of its attempt. A server that lost the inboxes
   * answers it from its own numbering (inbox-cursor.ts follows).
   */
  poke(): void {
    this.run?.requester.retryNow();
  }

  /**
   * Stops polling. When `worthTrying` (the server was heard lately) and the
   * last items shown are not surely acknowledged yet (the poll that does it
   * may not have reached the server), acknowledges them with one short
   * request on `queries`, so the next start does not show them again.
   */
  async close(queries: Queries, worthTrying: boolean): Promise<void> {
    this.closed = true;
    const run = this.run;
    const token = this.o.token();
    this.stop();
    if (!run || !worthTrying || token === undefined || run.cursor.shown <= run.cursor.acknowledged) return;
    await queries.request({ op: "inbox", token, after: run.cursor.shown, waitMs: 0 }, { timeoutMs: ACK_MS }).catch(() => undefined);
  }

  private start(): void {
    if (this.closed) return;
    let done = () => {};
    const caughtUp = new Promise<void>((resolve) => (done = resolve));
    const requester = new ReliableRequester({ endpoint: this.o.endpoint, curve: this.o.curve, onFailure: this.o.onFailure, attemptMs: ATTEMPT_MS });
    const run: Run = { requester, cursor: new InboxCursor(), abort: new AbortController(), caughtUp, done };
    this.run = run;
    void this.loop(run).finally(() => {
      run.done();
      if (this.run === run) this.stop();
    });
  }

  private stop(): void {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    run.abort.abort(new ClosedError());
    run.requester.close();
    run.done();
    this.o.stopped?.();
  }

  private async loop(run: Run): Promise<void> {
    const queries = new Queries(run.requester);
    const { cursor } = run;
    let warned = false;
    while (!run.abort.signal.aborted) {
      const token = this.o.token();
      if (token === undefined) return;
      try {
        /*
         * A poll the server does not answer (it is away, or restarting) is
         * sent again unchanged by the requester, the same `after` with it;
         * the cursor moves only with an answer. So an outage loses nothing:
         * what was not acknowledged is answered again.
         */
        const after = cursor.after;
        /* The first poll of a run asks for what is there now (what came while away), not for the next item: no wait. */
        const waitMs = after === undefined || cursor.more ? 0 : WAIT_MS;
        const answer = await queries.request({ op: "inbox", token, ...(after === undefined ? {} : { after }), waitMs });
        const batch = cursor.take(answer);
        if (batch) this.o.show(batch);
        if (batch?.away) run.done();
      } catch (err) {
        if (err instanceof ClosedError || run.abort.signal.aborted) return;
        if (err instanceof RejectedError) {
          if (err.code === "auth-failed" || err.code === "auth-required") {
            /* This client's /logout or /passwd revoked it: wait for the new token (or none). Else the login ended elsewhere. */
            await this.o.loginSettled?.();
            if (this.o.token() !== token) continue;
            return this.o.loginEnded();
          }
          /* A server without conversations: nothing will ever arrive. */
          if (err.code === "bad-request") return;
          if (await waitOutSlowDown(err, { signal: run.abort.signal }).catch(() => false)) continue;
        }
        if (!warned) this.o.warning(`private messages could not be fetched: ${describeError(err)}`);
        warned = true;
        await delay(RETRY_MS, run.abort.signal).catch(() => undefined);
      }
    }
  }
}
