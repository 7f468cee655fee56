/**
 * The accounts store of a cluster's server: reads from this server's copy
 * of the shared state (state-machine.ts), at once and without I/O; every
 * change an operation on the state stream, answered once applied here.
 */
import type { Account, AccountStore, LoginFailures, PasswordHash, Session } from "../accounts/store.js";
import type { StateStream } from "./state-stream.js";

export class ReplicatedAccountStore implements AccountStore {
  private readonly local;

  constructor(private readonly state: StateStream) {
    this.local = state.machine.accounts;
  }

  get size(): number {
    return this.local.size;
  }

  get(key: string): Account | undefined {
    return this.local.get(key);
  }

  failures(key: string): LoginFailures | undefined {
    return this.local.failures(key);
  }

  session(tokenHash: string): Session | undefined {
    return this.local.session(tokenHash);
  }

  add(account: Account): Promise<boolean> {
    return this.change("add", account) as Promise<boolean>;
  }

  setPassword(key: string, password: PasswordHash): Promise<void> {
    return this.change("setPassword", key, password) as Promise<void>;
  }

  remove(key: string): Promise<void> {
    return this.change("remove", key) as Promise<void>;
  }

  setFailures(key: string, state: LoginFailures): Promise<void> {
    return this.change("setFailures", key, state) as Promise<void>;
  }

  addFailure(key: string, now: number, attempts: number, lockoutMs: number): Promise<boolean> {
    return this.change("addFailure", key, now, attempts, lockoutMs) as Promise<boolean>;
  }

  clearFailures(key: string): Promise<void> {
    return this.change("clearFailures", key) as Promise<void>;
  }

  addSession(session: Session): Promise<void> {
    return this.change("addSession", session) as Promise<void>;
  }

  endSessions(key: string): Promise<number> {
    return this.change("endSessions", key) as Promise<number>;
  }

  pruneSessions(now: number): Promise<number> {
    return this.change("pruneSessions", now) as Promise<number>;
  }

  onSessionsEnded(listener: (key: string) => void): void {
    this.state.machine.onSessionsEnded(listener);
  }

  private change(method: string, ...args: unknown[]): Promise<unknown> {
    return this.state.issue("accounts", method, args);
  }
}
