import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { cleartextWarning, until } from "./login.js";
import { configDir, TokenFile } from "./token-file.js";
import { messageFlags } from "./ui/format.js";
import { createStyle, styledLine } from "./ui/style.js";

test("the clear-text warning is for an unencrypted server off this machine only", () => {
  assert.equal(cleartextWarning("tcp://10.0.0.5:5555", false),
    "the server at tcp://10.0.0.5:5555 does not encrypt (no --server-key): your password and login token cross the network in clear");
  assert.equal(cleartextWarning("tcp://[2001:db8::1]:5555", false)?.startsWith("the server at tcp://[2001:db8::1]:5555 does not encrypt"), true);
  assert.equal(cleartextWarning("tcp://10.0.0.5:5555", true), undefined);
  for (const local of ["tcp://127.0.0.1:5555", "tcp://127.8.9.10:5555", "tcp://[::1]:5555", "tcp://localhost:5555"]) {
    assert.equal(cleartextWarning(local, false), undefined, local);
  }
});

test("a login's end reads as its date, or its time when that is today", () => {
  const now = DateTime.fromISO("2026-12-01T10:00:00");
  assert.equal(until(DateTime.fromISO("2026-12-31T09:00:00").toISO()!, now), "2026-12-31");
  assert.equal(until(DateTime.fromISO("2026-12-01T18:30:00").toISO()!, now), "18:30 today");
});

test("the token file keeps one login per server and account (any case), in a 0700 directory and a 0600 file", (t) => {
  const home = mkdtempSync(join(tmpdir(), "mchat-config-"));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  assert.equal(configDir({ XDG_CONFIG_HOME: home }), join(home, "mchat"));
  assert.match(configDir({ XDG_CONFIG_HOME: "relative/dir", HOME: "/home/x" }), /\/\.config\/mchat$/, "a relative XDG_CONFIG_HOME is ignored");
  const file = new TokenFile(configDir({ XDG_CONFIG_HOME: home }));
  const login = (server: string, user: string, n: number) => ({ server, user, token: String(n).repeat(64), expires: "2026-12-31T00:00:00.000Z" });
  assert.equal(file.find("tcp://127.0.0.1:5555", "kyle"), undefined);
  file.save(login("tcp://127.0.0.1:5555", "Kyle", 1));
  file.save(login("tcp://127.0.0.1:6666", "kyle", 2));
  file.save(login("tcp://127.0.0.1:5555", "kyle", 3)); // replaces Kyle's: one account
  assert.equal(file.find("tcp://127.0.0.1:5555", "KYLE")?.token, "3".repeat(64));
  assert.equal(file.find("tcp://127.0.0.1:6666", "kyle")?.token, "2".repeat(64));
  assert.equal(statSync(file.path).mode & 0o777, 0o600);
  assert.equal(statSync(file.dir).mode & 0o777, 0o700);
  file.drop("tcp://127.0.0.1:5555", "kyle");
  assert.equal(file.find("tcp://127.0.0.1:5555", "kyle"), undefined);
  assert.deepEqual(JSON.parse(readFileSync(file.path, "utf8")), { version: 1, logins: [login("tcp://127.0.0.1:6666", "kyle", 2)] });
});

test("a terminal marks a free name's message with ~ where the server has accounts; an account's message and older servers' are unmarked", () => {
  const style = createStyle(false);
  const m = { channel: "dev", kind: "say" as const, epoch: "e", seq: 1, gseq: 1, id: "i", user: "eve", time: "2026-12-01T10:00:00Z", body: "hi" };
  const parts = { user: "eve", body: "hi", time: "10:00:00", action: false };
  assert.equal(styledLine(parts, messageFlags(m, "kyle", false, true), style), "  10:00:00 ~eve: hi");
  assert.equal(styledLine(parts, messageFlags({ ...m, account: true }, "kyle", false, true), style), "  10:00:00 eve: hi");
  assert.equal(styledLine(parts, messageFlags(m, "kyle", false, false), style), "  10:00:00 eve: hi");
  assert.equal(styledLine({ ...parts, action: true, body: "waves" }, messageFlags(m, "kyle", false, true), style), "  10:00:00 * ~eve waves");
});
