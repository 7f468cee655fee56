import { test } from "node:test";
import assert from "node:assert/strict";
import stringWidth from "string-width";
import { expandPath } from "../files/paths.js";
import { formatDuration, offerText, progressRow, resumingLine, savedLine, sentLine } from "./transfer-lines.js";

const offer = {
  offer: 7, from: "kyle", to: "zoe", name: "report.pdf", size: 2_100_000, sha256: "3f2a9c1e" + "0".repeat(56),
  time: "2026-01-01T00:00:00.000Z", expires: "2026-01-08T00:00:00.000Z",
};

test("an offer reads with its size, short hash and the command that fetches it", () => {
  assert.equal(offerText(offer, "zoe"), "kyle sends report.pdf (2.1 MB, sha256 3f2a9c1e) - /get 7");
  assert.equal(offerText({ ...offer, to: "ops", group: true }, "zoe"), "kyle sends report.pdf (2.1 MB, sha256 3f2a9c1e) to ops - /get 7");
  assert.equal(offerText(offer, "kyle"), "kyle sends report.pdf (2.1 MB, sha256 3f2a9c1e) to zoe - /get 7");
  assert.equal(offerText({ ...offer, name: "a\x1b[2Jb" }, "zoe"), "kyle sends a?[2Jb (2.1 MB, sha256 3f2a9c1e) - /get 7");
});

test("the end of a transfer is one line", () => {
  assert.equal(sentLine(offer, "zoe"), "sent report.pdf (2.1 MB) to zoe as offer 7");
  assert.equal(savedLine(offer, "/home/u/Downloads/mchat/report.pdf"), "saved report.pdf (2.1 MB, sha256 3f2a9c1e) to /home/u/Downloads/mchat/report.pdf");
  assert.equal(resumingLine("get", "big.bin", 4_200_000, 10_485_760), "fetching big.bin: resuming at 4.2 MB of 10.5 MB");
});

test("time left reads as seconds, minutes, hours", () => {
  assert.deepEqual([0, 44_600, 185_000, 3_720_000].map(formatDuration), ["0s", "45s", "3m05s", "1h02m"]);
});

test("a progress row shows a bar, percent, bytes, rate and time left, and fits the terminal", () => {
  const p = { done: 4_700_000, total: 10_500_000, rate: 2_100_000, leftMs: 2_760, resumed: 0 };
  const row = progressRow("send", "report.pdf to zoe", p, 100, stringWidth);
  assert.equal(row, "↑ report.pdf to zoe  [#############-----------------]   44%  4.7 MB/10.5 MB  2.1 MB/s  3s left");
  for (const columns of [40, 60, 80]) assert.ok(stringWidth(progressRow("get", "report.pdf from kyle", p, columns, stringWidth)) <= Math.max(columns, 70));
  assert.match(progressRow("get", "x", { ...p, rate: 0, leftMs: undefined }, 80, stringWidth), /^↓ x {2}\[#+-+\] {3}44% {2}4\.7 MB\/10\.5 MB {2}…$/);
});

test("a typed path: ~ is home, quotes go, relative is from the working directory", () => {
  assert.equal(expandPath("~/x/report.pdf", "/home/u"), "/home/u/x/report.pdf");
  assert.equal(expandPath("~", "/home/u"), "/home/u");
  assert.equal(expandPath("'/tmp/my file.txt'", "/home/u"), "/tmp/my file.txt");
  assert.equal(expandPath("a.txt", "/home/u"), `${process.cwd()}/a.txt`);
  assert.equal(expandPath("~zoe/x", "/home/u"), `${process.cwd()}/~zoe/x`);
});
