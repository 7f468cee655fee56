/**
 * The alerts family (the bulletin board's subscriptions): an account
 * watches keywords, in every channel or in one, and follows authors; a
 * channel message that matches reaches it as an alert in its inbox
 * (shared/protocol/ops/conversations.ts), kept while it is away. Matching
 * is the server's: whole words, case-insensitive; the author's own
 * messages never alert them. What an account watches is its own: no
 * request lists another's.
 *
 *   request  ["alerts", {"token", "action", "keyword"?, "channel"?, "user"?}]
 *   answer   ["ok", {"watches": [{"keyword", "channel"?}...], "follows": [user...]}]
 *
 * action is list, watch or unwatch (with `keyword`, and `channel` for one
 * channel only), follow or unfollow (with `user`, an account). The answer
 * is what the account watches and follows after the action. Watching what
 * is watched already, or unwatching what is not, changes nothing and is not
 * refused. A keyword is watched once per channel (and once for every
 * channel), whatever its case; unwatch with `channel` ends that channel's
 * watch, without it every watch of the keyword. Refusals: auth-required,
 * auth-failed, not-found (following a name without an account), too-many
 * (ALERTS_MAX of either), bad-field (a keyword without a letter or digit).
 */
import { ALERTS_MAX } from "../limits.js";
import { CodecError } from "../errors.js";
import { checkKeyword, checkName, checkPostChannel, checkToken } from "../validate.js";
import { list, str } from "../fields.js";
import type { ControlOp } from "./control-op.js";

export const ALERT_ACTIONS = ["list", "watch", "unwatch", "follow", "unfollow"] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

export type AlertsRequest = { op: "alerts"; token?: string; action: AlertAction; keyword?: string; channel?: string; user?: string };
export interface Watch {
  keyword: string;
  /** Only this channel's messages; absent: every channel. */
  channel?: string;
}
export interface AlertsAnswer {
  watches: Watch[];
  follows: string[];
}

const checkWatch = (w: Record<string, unknown>): Watch => ({
  keyword: checkKeyword(str(w, "keyword")),
  ...(w.channel === undefined ? {} : { channel: checkPostChannel(str(w, "channel")) }),
});

export const alerts: ControlOp<AlertsRequest, AlertsAnswer> = {
  op: "alerts",
  toJson: (r) => ({
    ...(r.token === undefined ? {} : { token: r.token }), action: r.action,
    ...(r.keyword === undefined ? {} : { keyword: r.keyword }),
    ...(r.channel === undefined ? {} : { channel: r.channel }),
    ...(r.user === undefined ? {} : { user: r.user }),
  }),
  fromJson: (o) => {
    const action = str(o, "action");
    if (!(ALERT_ACTIONS as readonly string[]).includes(action)) throw new CodecError("action", `must be one of ${ALERT_ACTIONS.join(", ")}`);
    const r: AlertsRequest = { op: "alerts", action: action as AlertAction };
    if (o.token !== undefined) r.token = checkToken(str(o, "token"));
    if (action === "watch" || action === "unwatch") {
      r.keyword = checkKeyword(str(o, "keyword"));
      if (o.channel !== undefined) r.channel = checkPostChannel(str(o, "channel"));
    } else if (action === "follow" || action === "unfollow") {
      r.user = checkName("user", str(o, "user"));
    }
    return r;
  },
  answer: (a) => {
    const follows = a.follows;
    if (!Array.isArray(follows) || follows.length > ALERTS_MAX) throw new CodecError("follows", `must be a list of at most ${ALERTS_MAX} names`);
    return {
      watches: list(a, "watches", ALERTS_MAX, checkWatch),
      follows: follows.map((u) => {
        if (typeof u !== "string") throw new CodecError("follows", "must be a list of names");
        return checkName("user", u);
      }),
    };
  },
};
