import { test } from "node:test";
import assert from "node:assert/strict";
import { accountKey } from "./names.js";

test("names that differ only by case or Unicode normalisation are one account key", () => {
  assert.equal(accountKey("Kyle"), accountKey("kyle"));
  assert.equal(accountKey("KYLE"), "kyle");
  assert.equal(accountKey("Zoë"), accountKey("zoe\u0308"), "NFC and NFD");
  assert.equal(accountKey("ZOË"), accountKey("zoë"));
  assert.equal(accountKey("straße"), accountKey("STRASSE"), "ß folds like SS");
  assert.equal(accountKey("ΟΔΥΣΣΕΥΣ"), accountKey("οδυσσευς"), "medial and final sigma");
  assert.notEqual(accountKey("kyle"), accountKey("kyle2"));
});
