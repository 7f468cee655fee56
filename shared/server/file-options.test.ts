/**
 * mc_server's file options as people type them: sizes with decimal and
 * binary units, durations with s, m, h, d, and one sentence for anything else.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../errors.js";
import { parseBytes, parseDuration, serverExtras } from "./server-cli.js";

test("sizes: bytes, kB/MB/GB in powers of 1000, KiB/MiB/GiB in powers of 1024, fractions", () => {
  assert.deepEqual(["65536", "100MB", "1GB", "2.5 MB", "64KiB", "1MiB", "0", "10k"].map((s) => parseBytes(s, "--x")), [65536, 100e6, 1e9, 2.5e6, 65536, 1048576, 0, 10_000]);
  for (const bad of ["", "MB", "-1", "1 PB", "1e6", "ten"]) {
    assert.throws(() => parseBytes(bad, "--max-file-size"), (err) => err instanceof UsageError && err.message === "--max-file-size takes a number of bytes, like 100MB, 2GB or 65536", bad);
  }
});

test("durations: seconds, or with s, m, h, d; above 0", () => {
  assert.deepEqual(["7d", "3600s", "3600", "30m", "12h", "0.5s"].map((s) => parseDuration(s, "--file-ttl")), [604_800_000, 3_600_000, 3_600_000, 1_800_000, 43_200_000, 500]);
  for (const bad of ["0", "", "7w", "-1d", "d"]) {
    assert.throws(() => parseDuration(bad, "--file-ttl"), (err) => err instanceof UsageError && /^--file-ttl takes a time above 0/.test(err.message), bad);
  }
});

test("mc_server's extras: file options with their defaults, the files beside the store; none for parts 1-3", async () => {
  const { options } = await serverExtras({}, true);
  assert.deepEqual(options.files, { port: 0, dir: undefined, database: undefined, limits: { maxFileSize: 100e6, quota: 1e9, rate: 50e6, ttlMs: 7 * 86_400_000 } });
  assert.equal((await serverExtras({}, false)).options.files, undefined);
  await assert.rejects(serverExtras({ "file-port": "70000" }, true), (err) => err instanceof UsageError && err.message === "--file-port '70000' is not a port number (0 to 65535)");
});
