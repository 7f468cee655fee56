/**
 * Groups: /group create <name> [users...] (the creator owns it), add and
 * remove (the owner), leave, members, list (the groups you are in). Each
 * answers with one line from the group as it is after the action, or the
 * server's sentence; the members hear of it through their inbox as a
 * `-!-` line (ui/inbox-lines.ts). /msg <group> and /query <group> talk to it.
 */
import { CodecError } from "../../protocol/errors.js";
import { GROUP_ACTIONS, type GroupAction, type GroupAnswer } from "../../protocol/index.js";
import { checkGroup, checkName } from "../../protocol/validate.js";
import { accountToken, tokenAnswer } from "./account-requests.js";
import type { Command, CommandContext } from "./types.js";

const USAGE = "usage: /group create <name> [users...], /group add|remove <name> <user...>, /group leave|members <name>, /group list";

/** /group. */
export const groups: readonly Command[] = [
  { name: "group", args: "<what> ...", help: "create, add, remove, leave, list, members (/group: usage)", words: [...GROUP_ACTIONS, "list"], run: group },
];

/** `members: kyle (owner), zoe`. */
function membersText(g: GroupAnswer): string {
  return g.members.map((m) => (m === g.owner ? `${m} (owner)` : m)).join(", ");
}

async function group(c: CommandContext, arg: string): Promise<void> {
  const token = accountToken(c, "group");
  if (token === undefined) return;
  const [what = "", name, ...users] = arg.split(/\s+/).filter((w) => w !== "");
  const action = what.toLowerCase();
  if (action === "list") {
    if (name !== undefined) return c.screen.warning(USAGE);
    const a = await tokenAnswer(c, { op: "groups", token });
    if (!a) return;
    for (const g of a.groups) c.known.groups.add(g.name);
    if (a.groups.length === 0) return c.screen.output(["you are in no group; /group create <name> [users...] makes one"]);
    return c.screen.output(a.groups.map((g) => `${g.name}: owner ${g.owner}, ${g.members} member${g.members === 1 ? "" : "s"}`));
  }
  if (!(GROUP_ACTIONS as readonly string[]).includes(action) || name === undefined) return c.screen.warning(USAGE);
  const needsUsers = action === "add" || action === "remove";
  if ((needsUsers && users.length === 0) || ((action === "leave" || action === "members") && users.length > 0)) return c.screen.warning(USAGE);
  try {
    checkGroup(name);
    for (const u of users) checkName("user", u);
  } catch (err) {
    if (err instanceof CodecError) return c.screen.warning(`cannot ${action} '${name}': ${err.sentence}`);
    throw err;
  }
  const a = await tokenAnswer(c, { op: "group", token, action: action as GroupAction, name, ...(users.length > 0 ? { users } : {}) });
  if (!a) return;
  if (action === "leave") {
    c.known.groups.delete(a.name);
    return c.screen.output([`you left ${a.name}`]);
  }
  c.known.groups.add(a.name);
  for (const m of a.members) c.known.names.add(m);
  const done = { create: `created ${a.name}`, add: `added ${users.join(", ")} to ${a.name}`, remove: `removed ${users.join(", ")} from ${a.name}`, members: a.name }[action as Exclude<GroupAction, "leave">];
  c.screen.output([`${done}: ${membersText(a)}`]);
}
