import { test } from "node:test";
import assert from "node:assert/strict";
import { isLoopbackEndpoint, isLoopbackHost } from "./loopback.js";

test("127.0.0.0/8, ::1 and localhost are loopback; every other address is not", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "localhost", "LOCALHOST"]) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of ["128.0.0.1", "126.255.255.255", "10.0.0.1", "192.168.1.10", "0.0.0.0", "::", "::2", "::ffff:10.0.0.1", "fe80::1", "localhost.example.com", "example.com", "", "*"]) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

test("an endpoint is judged by its host: tcp://127.0.0.1:5555 and tcp://[::1]:5555 are loopback, tcp://10.0.0.5:5555 is not", () => {
  assert.equal(isLoopbackEndpoint("tcp://127.0.0.1:5555"), true);
  assert.equal(isLoopbackEndpoint("tcp://[::1]:5555"), true);
  assert.equal(isLoopbackEndpoint("tcp://localhost:5555"), true);
  assert.equal(isLoopbackEndpoint("tcp://10.0.0.5:5555"), false);
  assert.equal(isLoopbackEndpoint("tcp://[2001:db8::1]:5555"), false);
  assert.equal(isLoopbackEndpoint("tcp://127.0.0.1.evil.example:5555"), false);
  assert.equal(isLoopbackEndpoint("ipc:///tmp/chat"), false);
});
