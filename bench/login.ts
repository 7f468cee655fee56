/**
 * Logins (issue 11): the cost of one scrypt hash with the server's
 * parameters, logins a second with the right password, and another
 * client's post round trip (send to ack) on its own and during a flood of
 * wrong-password logins (a password spray: a new name each attempt, so
 * each costs a hash and no lock stops it), in the same run. The flood obeys
 * slow-down, keeping the server's hash queue full: the most password work
 * the server lets in. Ratios: logins against what the hash queue allows
 * (concurrency / cost), round trips during the flood against alone.
 */
import { availableParallelism } from "node:os";
import { Dealer } from "zeromq";
import { Hasher, SCRYPT } from "../shared/server/accounts/passwords.js";
import { startServer, startWorker } from "./lib/children.js";
import { figure, type Figure } from "./lib/report.js";
import { percentiles, sleep } from "./lib/stats.js";
import type { LoginCounts } from "./clients/logins.js";

export interface LoginOptions {
  /** How long logins with the right password are counted. */
  loginMs: number;
  /** Posts timed per phase and round, `intervalMs` apart. */
  posts: number;
  intervalMs: number;
  rounds: number;
  /** Sockets flooding wrong-password logins. */
  floodConnections: number;
}

const PASSWORD = "bench password 1234";

export async function login(o: LoginOptions): Promise<{ figures: Figure[]; details: object }> {
  const hasher = new Hasher();
  const costs: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    await hasher.hash(PASSWORD);
    if (i > 0) costs.push(performance.now() - t0);
  }
  const costMs = costs.reduce((a, b) => a + b, 0) / costs.length;
  const concurrency = Math.max(1, availableParallelism() - 1); // the server's Hasher default

  const server = await startServer("part4/mc_server.js", ["--rate", "0"]);
  const probe = startWorker();
  const load = startWorker();
  const rtt: Record<"alone" | "flood", number[]> = { alone: [], flood: [] };
  const floods: LoginCounts[] = [];
  let logins: LoginCounts;
  try {
    const d = new Dealer({ linger: 0, receiveTimeout: 10_000 });
    d.connect(server.post);
    await d.send(["", "register", JSON.stringify({ user: "bench", password: PASSWORD })]);
    const [, status] = await d.receive();
    d.close();
    if (status!.toString() !== "ok") throw new Error("could not register the bench account");

    await load.call("loginsStart", { endpoint: server.post, connections: 8, user: "bench", password: PASSWORD });
    await sleep(o.loginMs);
    logins = await load.call<LoginCounts>("loginsStop");

    for (let round = 0; round < o.rounds; round++) {
      const alone = await probe.call<{ samples: number[] }>("posts", { endpoint: server.post, count: o.posts, intervalMs: o.intervalMs, channel: "rtt" }, 120_000);
      rtt.alone.push(...alone.samples);
      await load.call("loginsStart", { endpoint: server.post, connections: o.floodConnections, user: "spray", spray: true, password: "wrong password" });
      await sleep(300);
      const flooded = await probe.call<{ samples: number[] }>("posts", { endpoint: server.post, count: o.posts, intervalMs: o.intervalMs, channel: "rtt" }, 120_000);
      rtt.flood.push(...flooded.samples);
      floods.push(await load.call<LoginCounts>("loginsStop"));
    }
  } finally {
    await Promise.all([probe.stop(), load.stop(), server.stop()]);
  }
  const alone = percentiles(rtt.alone);
  const flood = percentiles(rtt.flood);
  const floodMs = floods.reduce((n, f) => n + f.ms, 0);
  const hashedPerS = (floods.reduce((n, f) => n + f.failed, 0) * 1000) / floodMs;
  const refusedPerS = (floods.reduce((n, f) => n + f.slowDown, 0) * 1000) / floodMs;
  const section = `Logins (scrypt N=2^${Math.log2(SCRYPT.N)}, r=${SCRYPT.r}, p=${SCRYPT.p}; ${concurrency} hash at a time)`;
  const figures: Figure[] = [
    figure({ section, name: "one hash, in the bench process", unit: "ms", chat: costMs, bare: null }),
    figure({
      section, name: "logins a second, right password, 8 clients", unit: "logins/s",
      chat: (logins.ok * 1000) / logins.ms, bare: (concurrency * 1000) / costMs, note: "baseline: what the hash queue allows",
    }),
    figure({ section, name: "wrong-password logins hashed a second during the flood", unit: "logins/s", chat: hashedPerS, bare: null, note: `${Math.round(refusedPerS)}/s told slow-down` }),
    figure({ section, name: "another client's post round trip p50, flood vs alone", unit: "us", chat: flood.p50, bare: alone.p50 }, { atMost: 2 }),
    figure({ section, name: "another client's post round trip p99, flood vs alone", unit: "us", chat: flood.p99, bare: alone.p99 }, { atMost: 3 }),
  ];
  return { figures, details: { costMs: costs, concurrency, logins, floods, alone, flood } };
}
