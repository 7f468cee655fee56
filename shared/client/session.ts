/**
 * The client's session with the server: a hello once following, then one
 * every presenceMs the server asks for, so /who lists this client (a failed
 * hello is tried again after 5 s); a bye on the way out, so /who forgets it
 * at once. A logged-in client's hellos carry its token (login.ts).
 */
import { randomBytes } from "node:crypto";
import { ClosedError } from "../errors.js";
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
/** How long the way out waits for the bye's answer. */
const BYE_MS = 300;

/** Presence at the server for one run of the client. */
export class Session {
  /** Names this run at the server, and prefixes its post ids. */
  readonly id = randomBytes(4).toString("hex");
  /** Resolves once the server has answered the first hello. */
  readonly greeted: Promise<void>;
  private greet: () => void = () => {};
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

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
      const a = await this.queries.request(
        { op: "hello", hello: { session: this.id, user, channels: this.channels(), ...(token === undefined ? {} : { token }) } },
        { timeoutMs: 10_000 },
      );
      this.greeter.answered(a);
      this.again(Math.max(1000, a.presenceMs));
      this.greet();
    } catch (err) {
      if (err instanceof ClosedError) return;
      this.again(err instanceof RejectedError && this.greeter.refused(err) ? 0 : RETRY_MS);
    }
  }

  /**
   * Stops the hellos and, if `worthTrying` (the server was heard lately),
   * says bye, waiting at most 300 ms for the answer.
   */
  async bye(worthTrying: boolean): Promise<void> {
    this.ended = true;
    clearTimeout(this.timer);
    if (!worthTrying) return;
    await this.queries.request({ op: "bye", session: this.id }, { timeoutMs: BYE_MS }).catch(() => undefined);
  }

  private again(ms: number): void {
    clearTimeout(this.timer);
    if (!this.ended) this.timer = setTimeout(() => void this.hello(), ms).unref();
  }
}
