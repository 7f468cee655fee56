import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUnique, FALLBACK_NAME, fitBytes, NAME_MAX_BYTES, numbered, placeUnique, safeName } from "./safe-name.js";

test("directory parts go: only the last component is kept, leading dots dropped", () => {
  assert.equal(safeName("../../.bashrc"), "bashrc");
  assert.equal(safeName("a/b/c.txt"), "c.txt");
  assert.equal(safeName("..\\..\\win.ini"), "win.ini");
  assert.equal(safeName("./report.pdf"), "report.pdf");
  assert.equal(safeName("report.pdf/"), FALLBACK_NAME);
});

test("absolute paths lose their root: POSIX, a Windows drive, UNC", () => {
  assert.equal(safeName("/etc/passwd"), "passwd");
  assert.equal(safeName("C:\\Windows\\System32\\evil.dll"), "evil.dll");
  assert.equal(safeName("C:evil.txt"), "evil.txt");
  assert.equal(safeName("c:/x/y.txt"), "y.txt");
  assert.equal(safeName("\\\\server\\share\\f.doc"), "f.doc");
  assert.equal(safeName("\\\\?\\C:\\x.bin"), "x.bin");
});

test(". and .. and empty become the fallback name", () => {
  for (const raw of [".", "..", "", "/", "...", " ", "../..", "C:"]) assert.equal(safeName(raw), FALLBACK_NAME, JSON.stringify(raw));
});

test("NUL, control characters and bidi overrides become _", () => {
  assert.equal(safeName("a\0b.txt"), "a_b.txt");
  assert.equal(safeName("evil\n-!- root sends x.txt"), "evil_-!- root sends x.txt");
  assert.equal(safeName("\x1b[2Jclear.txt"), "_[2Jclear.txt");
  assert.equal(safeName("bell\x07\x7f\u0085.txt"), "bell___.txt");
  assert.equal(safeName("photo\u202egpj.exe"), "photo_gpj.exe");
});

test("trailing dots and spaces go (Windows drops them)", () => {
  assert.equal(safeName("notes.txt. . "), "notes.txt");
  assert.equal(safeName("  spaced  "), "spaced");
});

test("names longer than 255 bytes are shortened on a UTF-8 boundary, the extension kept", () => {
  const long = "é".repeat(200) + ".pdf"; // 404 bytes
  const safe = safeName(long);
  assert.ok(Buffer.byteLength(safe) <= NAME_MAX_BYTES);
  assert.equal(safe, "é".repeat(125) + ".pdf"); // 250 + 4 bytes: one more é would be 256
  assert.ok(!safe.includes("\ufffd"));
  const emoji = "😀".repeat(100) + ".tar.gz";
  assert.equal(fitBytes(emoji), "😀".repeat(63) + ".gz"); // 252 + 3 bytes: the last extension is kept
  assert.equal(safeName("x".repeat(300)), "x".repeat(255));
  assert.equal(safeName("a." + "b".repeat(300)), ("a." + "b".repeat(300)).slice(0, 255)); // a tail of 300 bytes is no extension
});

test("numbered alternatives go before the extension and stay within 255 bytes", () => {
  assert.equal(numbered("report.pdf", 0), "report.pdf");
  assert.equal(numbered("report.pdf", 1), "report (1).pdf");
  assert.equal(numbered("README", 12), "README (12)");
  const long = "x".repeat(251) + ".pdf";
  assert.equal(numbered(long, 3), "x".repeat(247) + " (3).pdf");
  assert.equal(Buffer.byteLength(numbered(long, 3)), 255);
});

test("an existing file is never overwritten: (1), (2); the new file is not executable", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "safe-name-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, "report.pdf"), "first");
  await writeFile(join(dir, "report (1).pdf"), "second");
  const { path, handle } = await createUnique(dir, "../../report.pdf");
  await handle.writeFile("third");
  await handle.close();
  assert.equal(path, join(dir, "report (2).pdf"));
  assert.equal(await readFile(join(dir, "report.pdf"), "utf8"), "first");
  assert.equal(await readFile(join(dir, "report (1).pdf"), "utf8"), "second");
  assert.equal((await stat(path)).mode & 0o111, 0);
  assert.deepEqual((await readdir(dir)).sort(), ["report (1).pdf", "report (2).pdf", "report.pdf"]);
});

test("each dangerous name is created inside the directory", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "safe-name-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const names = ["../../.bashrc", "/etc/passwd", "C:\\Windows\\evil.dll", "\\\\host\\share\\x", "a\0b", "\x1b]0;title\x07", ".", "..", "", "é".repeat(300)];
  for (const raw of names) {
    const { path, handle } = await createUnique(dir, raw);
    await handle.close();
    assert.equal(join(dir, path.slice(dir.length + 1)), path);
    assert.ok(!path.slice(dir.length + 1).includes("/"), path);
  }
  const made = await readdir(dir);
  assert.equal(made.length, names.length);
  assert.ok(made.every((n) => !n.startsWith(".") && Buffer.byteLength(n) <= NAME_MAX_BYTES), made.join(" | "));
  assert.ok(made.includes(FALLBACK_NAME) && made.includes(`${FALLBACK_NAME} (1)`) && made.includes(`${FALLBACK_NAME} (2)`));
});

test("placeUnique passes on any error but EEXIST", async () => {
  await assert.rejects(placeUnique("/nonexistent-dir", "x", async () => {
    throw Object.assign(new Error("no"), { code: "ENOENT" });
  }), { code: "ENOENT" });
});
