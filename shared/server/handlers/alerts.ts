/**
 * The alerts family: an account's watched keywords and followed users
 * (shared/protocol/ops/alerts.ts), kept by the server's Alerts
 * (shared/server/alerts/). Every action needs a login, and reads or
 * changes the asking account's own subscriptions only: no request names
 * another account's, so none can list them.
 */
import type { AlertsAnswer } from "../../protocol/index.js";
import type { Accounts } from "../accounts/accounts.js";
import { accountKey } from "../accounts/names.js";
import { Refusal } from "../accounts/refusal.js";
import type { Subscriptions } from "../alerts/store.js";
import type { ControlHandlers } from "./context.js";

export const ALERTS_NEED_LOGIN = "alerts belong to an account: log in to watch keywords or follow users";

export const handlers: ControlHandlers<"alerts"> = {
  async alerts(r, { accounts, alerts, now }) {
    if (r.token === undefined) throw new Refusal("auth-required", ALERTS_NEED_LOGIN);
    const key = accountKey(accounts.userOf(r.token, now));
    switch (r.action) {
      case "watch":
        await alerts.watch(key, r.channel === undefined ? { keyword: r.keyword! } : { keyword: r.keyword!, channel: r.channel });
        break;
      case "unwatch":
        await alerts.unwatch(key, r.keyword!, r.channel);
        break;
      case "follow": {
        const followee = accountKey(r.user!);
        if (!accounts.store.get(followee)) throw new Refusal("not-found", `${r.user} has no account: only registered users can be followed`);
        await alerts.follow(key, followee);
        break;
      }
      case "unfollow":
        await alerts.unfollow(key, accountKey(r.user!));
        break;
      case "list":
        break;
    }
    return { answer: answer(alerts.list(key), accounts), events: [] };
  },
};

/** The answer: the watches as written, and the followed accounts by their registered names. */
function answer(subs: Subscriptions, accounts: Accounts): AlertsAnswer {
  return {
    watches: subs.watches.map((w) => ({ ...w })),
    follows: subs.follows.map((k) => accounts.store.get(k)?.user ?? k),
  };
}
