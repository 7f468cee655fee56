/**
 * mc_server --log FILE: the server's own log, one JSON object per line,
 * written with pino (so every line is valid JSON, strings escaped): logins,
 * logouts, lockouts, registrations, password changes and unregistrations,
 * posts, edits and deletions (numbers, channel, user; the text only with
 * --log-bodies), private and group messages (sender, recipient, number:
 * never the text, --log-bodies or not: it is not the operator's log's
 * business), and refused requests (op, code, and the name the request
 * gave), files offered and downloads begun (sender, recipient, name,
 * size, SHA-256: never their contents). A password or a login token is never passed to it; pino's redact
 * masks fields of those names anyway, should one ever be.
 *
 *   {"level":"info","time":"2026-11-22T10:00:00.000Z","event":"post","channel":"dev","seq":3,"gseq":7,"user":"kyle","account":true,"id":"s1-4","msg":"post"}
 */
import { pino, type Logger } from "pino";
import type { LogEntry, Numbers } from "./log/event-log.js";
import type { MessageSent } from "./conversations/index.js";
import type { FileEvent } from "./files/file-service.js";

/** Something that happened to an account (Accounts tells the log). */
export type AccountEvent =
  | { event: "register" | "login" | "logout" | "passwd" | "unregister"; user: string }
  | { event: "lockout"; user: string; ms: number };

/** Where the server reports what it does; every method is a no-op without --log. */
export interface ServerLog {
  account(e: AccountEvent): void;
  /** A committed post, edit or deletion. */
  entry(e: LogEntry, n: Numbers): void;
  /** A private or group message: who to whom, its number; there is no body to log. */
  message(m: MessageSent): void;
  /** A refused request: its op, the error code, and the name it gave if any. */
  refused(op: string, code: string, user?: string): void;
  /** A file offered, or a download begun: who, to whom, the name, size and SHA-256; never the contents. */
  file(e: FileEvent): void;
  /** Writes out what is buffered. */
  close(): Promise<void>;
}

/** The log of a server without --log. */
export const NO_LOG: ServerLog = { account() {}, entry() {}, message() {}, refused() {}, file() {}, close: async () => {} };

/** Opens (appends to) `file`; with `bodies`, posts and edits carry their text. */
export function openServerLog(file: string, bodies: boolean): ServerLog {
  const dest = pino.destination({ dest: file, sync: false, mkdir: true });
  const logger: Logger = pino({
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ["password", "newPassword", "token"], censor: "[redacted]" },
  }, dest);
  return {
    account(e) {
      if (e.event === "lockout") logger.warn(e, e.event);
      else logger.info(e, e.event);
    },
    entry(e, n) {
      const fields: Record<string, unknown> = { event: e.type === "message" ? "post" : e.type, channel: e.channel, seq: n.seq, gseq: n.gseq, user: e.user, id: e.id };
      if (e.account) fields.account = true;
      if (e.type !== "message") fields.target = e.target;
      else fields.kind = e.kind;
      if (bodies && e.type !== "delete") fields.body = e.body.toString("utf8");
      logger.info(fields, fields.event as string);
    },
    message({ from, to, group, seq }) {
      /* Fields named one by one: a body can never slip in with a spread. */
      logger.info({ event: "msg", from, to, ...(group ? { group: true } : {}), seq }, "msg");
    },
    file({ event, offer, from, to, name, size, sha256, user }) {
      /* Fields named one by one, as for messages: no bytes of the file can slip in. */
      logger.info({ event, offer, from, to, name, size, sha256, ...(user === undefined ? {} : { user }) }, event);
    },
    refused(op, code, user) {
      logger.info(user === undefined ? { event: "refused", op, code } : { event: "refused", op, code, user }, "refused");
    },
    close: () => new Promise<void>((resolve) => {
      logger.flush(() => {
        dest.end();
        resolve();
      });
    }),
  };
}
