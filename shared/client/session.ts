/**
 * The client's session with the server: a hello once following, then one
 * every presenceMs the server asks for, so /who lists this client (a failed
 * hello is tried again after 5 s); a bye on the way out, so /who forgets it
 * at once. A logged-in client's hellos carry its token (login.ts).
 *
 * Each hello after the first tells the server when this client joined the
 * channels it was already in (`joined`), so that a server that restarted
 * meanwhile does not announce them as joins again.
 */
import { randomBytes } from "node:crypto";
import { ClosedError } from "../errors.js";
import { delay } from "../delay.js";
import { nowIso } from "../time.js";
import type { HelloAnswer } from "../protocol/index.js";
import { RejectedError } from "../protocol/errors.js";
import type { Queries } from "./queries.js";

/** Who says hello, and who hears how each went (login.ts's Account). */
export interface Greeter {
  /** The name the hello carries. */
  readonly user: string;
  /** The login token, when logged in. */
  readonly token: string | undefined;
  answered(answer: HelloAnswer): void;
  /** A refusal; true when the hello should be said again at once. */
  refused(err: RejectedError): boolean;
}

/** After a failed hello, the next one this much later. */
const RETRY_MS = 5000;
/** How long the way out waits for the bye's answer, from when it is sent. */
const BYE_MS = 300;
/** How long the way out waits for a hello still on its way, before the bye. */
const HELLO_MS = 2000;

/** Presence at the server for one run of the client. */
export class Session {
  /** Names this run at the server, and prefixes its post ids. */
  readonly id = randomBytes(4).toString("hex");
  /** Resolves once the server has answered the first hello. */
  readonly greeted: Promise<void>;
  private greet: () => void = () => {};
  private timer: NodeJS.Timeout | undefined;
  private ended = false;
  /** The hello sent last, until answered; the bye goes after it. */
  private sending: Promise<unknown> = Promise.resolve();
  /** Channels a server has heard this client is in, with when it said so. */
  private readonly joined = new Map<string, string>();

  constructor(
    private readonly queries: Queries,
    private readonly greeter: Greeter,
    /** The channels (and ALL) followed now, as the hello reports them. */
    private readonly channels: () => string[],
  ) {
    this.greeted = new Promise((resolve) => (this.greet = resolve));
  }

  /** Says hello now, with the channels followed now; resolves once answered (or failed, with a retry due). */
  async hello(): Promise<void> {
    clearTimeout(this.timer);
    if (this.ended) return;
    try {
      const { user, token } = this.greeter;
      const channels = this.channels();
      const at = nowIso();
      const joined = Object.fromEntries(channels.flatMap((c) => (this.joined.has(c) ? [[c, this.joined.get(c)!]] : [])));
      const request = this.queries.request(
        {
          op: "hello",
          hello: {
            session: this.id, user, channels,
            ...(token === undefined ? {} : { token }),
            ...(Object.keys(joined).length > 0 ? { joined } : {}),
          },
        },
        { timeoutMs: 10_000 },
      );
      this.sending = request.catch(() => undefined);
      const a = await request;
      this.greeter.answered(a);
      for (const c of [...this.joined.keys()]) if (!channels.includes(c)) this.joined.delete(c);
      for (const c of channels) if (!this.joined.has(c)) this.joined.set(c, at);
      this.again(Math.max(1000, a.presenceMs));
      this.greet();
    } catch (err) {
      if (err instanceof ClosedError) return;
      this.again(err instanceof RejectedError && this.greeter.refused(err) ? 0 : RETRY_MS);
    }
  }

  /**
   * Stops the hellos and, if `worthTrying` (the server was heard lately),
   * says bye: after the hello on its way, if any (at most 2 s), since a bye
   * queued behind it used to give up unsent and leave a ghost in /who; then
   * at most 300 ms for the bye's answer.
   */
  async bye(worthTrying: boolean): Promise<void> {
    this.ended = true;
    clearTimeout(this.timer);
    if (!worthTrying) return;
    const wait = new AbortController();
    await Promise.race([this.sending, delay(HELLO_MS, wait.signal).catch(() => undefined)]);
    wait.abort();
    await this.queries.request({ op: "bye", session: this.id }, { timeoutMs: BYE_MS }).catch(() => undefined);
  }

  private again(ms: number): void {
    clearTimeout(this.timer);
    if (!this.ended) this.timer = setTimeout(() => void this.hello(), ms).unref();
  }
}
