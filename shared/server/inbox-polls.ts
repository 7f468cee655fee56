/**
 * Inbox requests, the long poll of private delivery: answered at once when
 * the inbox has something after the client's position, else held (without
 * holding up the pipeline or the client's other requests) until an item
 * arrives for the account, its login ends, or `waitMs` passes.
 *
 * A held request is answered only after its token is checked again: a
 * login revoked meanwhile (logout, passwd, unregister, expiry) gets
 * auth-failed and no items. Logout, passwd and unregister wake the
 * account's held requests (chat-server.ts), so they are answered at once.
 *
 * The answer goes out on the ROUTER to the socket that asked, and only
 * there. If that socket is gone, ROUTER drops the answer: nothing is lost,
 * since only a request with `after` acknowledges, and the client's next
 * poll (with the same `after`) gets the same items again.
 *
 * "That socket" is a routing id. libzmq's ROUTER refuses a second
 * connection presenting a routing id in use (handover is off), so no one
 * can take the id of a connected client (part4/private-snoop.test.ts). A
 * client that chose its own routing id and then disconnected while a poll
 * was held could have its answer taken by whoever connects next with that
 * id: clients leave the routing id to libzmq.
 */
import { encodeControlAnswer, encodeError } from "../protocol/index.js";
import { INBOX_WAIT_MAX_MS } from "../protocol/limits.js";
import type { Accounts } from "./accounts/accounts.js";
import { accountKey } from "./accounts/names.js";
import { STALE_LOGIN } from "./accounts/refusal.js";
import type { Inboxes } from "./conversations/inboxes.js";
import { asker, type InboxRequest } from "./handlers/index.js";
import type { Message } from "./batch.js";

export interface InboxPollsOptions {
  inboxes: Inboxes;
  accounts: Accounts;
  /** Sends a reply frames-after-envelope to the client of `envelope`. */
  send: (envelope: Buffer[], frames: Message) => void;
  /** Hears of a held request refused when woken (the server's --log). */
  onRefused?: (op: string, code: string) => void;
}

export class InboxPolls {
  /** The held requests, each answered (with what is there) when the server stops. */
  private readonly held = new Set<() => void>();

  constructor(private readonly o: InboxPollsOptions) {}

  /** Answers or holds one inbox request; throws a Refusal (no token, stale token) for the pipeline to answer. */
  ask(envelope: Buffer[], r: InboxRequest, now: number): void {
    const { inboxes, accounts } = this.o;
    const key = accountKey(asker(r.token, { accounts, now }));
    const wait = Math.min(r.waitMs ?? 0, INBOX_WAIT_MAX_MS);
    if (wait === 0 || inboxes.ready(key, r.after)) {
      this.o.send(envelope, encodeControlAnswer(inboxes.read(key, r.after)));
      return;
    }
    let done = false;
    const answer = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cancel();
      this.held.delete(answer);
      this.o.send(envelope, this.answerHeld(key, r));
    };
    const timer = setTimeout(answer, wait);
    const cancel = inboxes.wait(key, answer);
    this.held.add(answer);
  }

  /** Requests being held. */
  get size(): number {
    return this.held.size;
  }

  /** Answers every held request with what its inbox holds (the server is stopping; clients poll again elsewhere). */
  release(): void {
    for (const answer of [...this.held]) answer();
  }

  /** The answer to a held request once woken: its token checked again, then what the inbox holds. */
  private answerHeld(key: string, r: InboxRequest): Message {
    let user: string | undefined;
    try {
      user = this.o.accounts.userOf(r.token!, Date.now());
    } catch {
      /* revoked or expired while held */
    }
    if (user === undefined || accountKey(user) !== key) {
      this.o.onRefused?.("inbox", "auth-failed");
      return encodeError("auth-failed", STALE_LOGIN);
    }
    return encodeControlAnswer(this.o.inboxes.read(key, r.after));
  }
}
