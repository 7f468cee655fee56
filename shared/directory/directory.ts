/**
 * The directory (the cluster's login server): tells each client which chat
 * server to use. It watches the registry buckets (server-table.ts), answers
 * `assign` on a ROUTER (protocol/ops/directory.ts), claims a slot for the
 * user with KV create (atomic, so no two directories over-fill a server),
 * launches a server when every live one is full (launcher.ts), asks
 * servers with no users for --idle seconds to stop, and cleans up slots
 * nobody used and the records of servers that died.
 *
 * A user who holds a slot on a live server is sent there again (a client
 * that restarts stays put); `avoid` names a server the client found
 * silent, whose slot of that user is given up.
 */
import { Router } from "zeromq";
import type { KV, KvWatchEntry } from "@nats-io/kv";
import { BindError, ChatError, zmqErrorCode } from "../errors.js";
import type { Cluster } from "../cluster/connection.js";
import { openRegistryBuckets, serverRecord, slotKey, slotRecord, stopSubject, type ServerRecord } from "../cluster/registry-records.js";
import { CodecError } from "../protocol/errors.js";
import { decodeDirectoryRequest, type Assignment } from "../protocol/ops/directory.js";
import { encodeControlAnswer, encodeError } from "../protocol/replies.js";
import { SendQueue } from "../transport/send-queue.js";
import { Launcher } from "./launcher.js";
import { ServerTable } from "./server-table.js";

export interface DirectoryOptions {
  /** tcp://ip:port of the directory's ROUTER. */
  endpoint: string;
  /** The address launched servers listen on ({ip}). */
  ip: string;
  cluster: Cluster;
  /** Users per server: slots 0 .. usersPerServer-1. */
  usersPerServer: number;
  /** The launch command template ({ip}, {cluster}). */
  launch: string;
  /** A server with no users this long is asked to stop. */
  idleMs: number;
  /** How long a launched server may take to register. */
  launchMs?: number;
  say: (line: string) => void;
  childOutput: (line: string) => void;
}

/** No server could take the user: one sentence, answered as `unavailable`. */
export class UnavailableError extends ChatError {
  override name = "UnavailableError";
}

export interface Directory {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts the directory; throws BindError when its port is unusable, ClusterError when the cluster is. */
export async function startDirectory(o: DirectoryOptions): Promise<Directory> {
  const { servers, slots } = await openRegistryBuckets(o.cluster);
  const table = new ServerTable();
  const watches = await Promise.all([
    follow(servers, (e) => table.server(e.key, serverRecord(e), e.revision)),
    follow(slots, (e) => table.slot(e.key, slotRecord(e), e.revision)),
  ]);
  const router = new Router({ linger: 0, sendTimeout: 0 });
  try {
    await router.bind(o.endpoint);
  } catch (err) {
    for (const w of watches) w.stop();
    throw new BindError(o.endpoint, zmqErrorCode(err), { cause: err });
  }
  const replies = new SendQueue(router);
  const launcher = new Launcher({ template: o.launch, ip: o.ip, cluster: o.cluster.urls.join(","), say: o.say, childOutput: o.childOutput });
  /* Below the client's patience (shared/client/directory.ts), so that it hears why. */
  const launchMs = o.launchMs ?? 15_000;

  /*
   * This directory's claims go one at a time. KV create of a key that never
   * held a value is checked by the stream ("expected last sequence 0"); a
   * freed slot's key holds a delete marker, and create then becomes an
   * update at the marker's revision, which nats-server 2.9 checks against
   * applied state only: two such updates in flight at once can both
   * succeed. One claim at a time keeps this directory from racing itself;
   * two directories claiming the same freed slot in the same instant remain
   * possible (README, Directory).
   */
  let claiming: Promise<unknown> = Promise.resolve();
  const claim = (user: string, avoid: string | undefined): Promise<ServerRecord | undefined> => {
    const next = claiming.then(() => claimNow(user, avoid));
    claiming = next.catch(() => {});
    return next;
  };

  /** Claims a free slot of a live server for `user`; undefined when none has room. */
  const claimNow = async (user: string, avoid: string | undefined): Promise<ServerRecord | undefined> => {
    const now = Date.now();
    for (const s of table.live(now)) {
      if (s.id === avoid) continue;
      for (const n of table.freeSlots(s.id, o.usersPerServer)) {
        const slot = { user, claimed: Date.now() };
        try {
          const revision = await slots.create(slotKey(s.id, n), JSON.stringify(slot));
          table.slot(slotKey(s.id, n), slot, revision); // before the watch says so: the next claim sees it
          return s;
        } catch {
          /* taken meanwhile (another directory, or a claim of ours in flight): the next one */
        }
      }
    }
    return undefined;
  };

  /* One launch at a time: claims that find no room meanwhile wait for it. */
  let launching: Promise<void> | undefined;
  const launchOne = async (): Promise<void> => {
    const known = new Set(table.live(Date.now()).map((s) => s.id));
    const child = launcher.launch();
    let off = () => {};
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => {
          const check = () => {
            const fresh = table.live(Date.now()).find((s) => !known.has(s.id));
            if (!fresh) return;
            o.say(`server ${fresh.id} registered: posts on ${fresh.post}, publishing on ${fresh.pub} (pid ${fresh.pid} on ${fresh.host})`);
            resolve();
          };
          off = table.onChange(check);
          check();
        }),
        child.exited.then((how) => {
          throw new UnavailableError(`the chat server the directory launched exited (${typeof how === "number" ? `code ${how}` : how}) before registering${child.lastError ? `: ${child.lastError}` : ""}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new UnavailableError(`the chat server the directory launched did not register within ${launchMs / 1000} s`)), launchMs);
        }),
      ]);
    } finally {
      off();
      clearTimeout(timer);
    }
  };

  const assign = async (user: string, avoid: string | undefined): Promise<Assignment> => {
    const now = Date.now();
    for (const held of table.held(user)) {
      if (held.server !== avoid && table.isLive(held.server, now)) return answer(table.record(held.server)!);
      /* A slot on the server the client found silent (or a dead one) is given up. */
      await slots.delete(held.key, { previousSeq: held.revision }).catch(() => {});
      table.slot(held.key, undefined, 0);
    }
    for (let launches = 0; ; launches++) {
      const server = await claim(user, avoid);
      if (server) return answer(server);
      if (launches === 3) throw new UnavailableError("every chat server is full and the ones launched filled up at once; try again");
      await (launching ??= launchOne().finally(() => (launching = undefined)));
    }
  };

  const handle = async (frames: Buffer[]): Promise<void> => {
    const split = frames.length > 1 && frames[1]!.length === 0 ? 2 : 1;
    const envelope = frames.slice(0, split);
    let reply: string[];
    try {
      const request = decodeDirectoryRequest(frames.slice(split));
      reply = encodeControlAnswer(await assign(request.user, request.avoid));
    } catch (err) {
      if (err instanceof CodecError) reply = encodeError(err.code, err.sentence);
      else if (err instanceof ChatError) reply = encodeError("unavailable", `no chat server is available: ${err.message}`);
      else reply = encodeError("unavailable", `no chat server is available: ${String(err)}`);
    }
    replies.send([...envelope, ...reply]);
  };
  const serving = (async () => {
    for await (const frames of router) void handle(frames);
  })().catch(() => {});

  /* Once a second: ask idle servers to stop, free stale slots, forget dead servers. */
  const emptySince = new Map<string, number>();
  const asked = new Set<string>();
  const housekeeping = setInterval(() => {
    const now = Date.now();
    const live = table.live(now);
    for (const id of [...emptySince.keys()]) if (!live.some((s) => s.id === id)) emptySince.delete(id);
    for (const s of live) {
      if (table.load(s.id) > 0 || launching) {
        emptySince.delete(s.id);
        continue;
      }
      const since = emptySince.get(s.id) ?? now;
      emptySince.set(s.id, since);
      if (now - since < o.idleMs || asked.has(s.id)) continue;
      asked.add(s.id);
      void o.cluster.nc.request(stopSubject(s.id), "stop", { timeout: 2000 }).then(
        (m) => {
          if (new TextDecoder().decode(m.data) === "stopping") o.say(`asked server ${s.id} to stop: no users for ${Math.round((now - since) / 1000)} s`);
          else emptySince.delete(s.id);
        },
        () => {},
      ).finally(() => asked.delete(s.id));
    }
    for (const slot of table.staleSlots(now)) void slots.delete(slot.key, { previousSeq: slot.revision }).catch(() => {});
    for (const dead of table.deadServers(now)) void servers.delete(dead.id, { previousSeq: dead.revision }).catch(() => {});
  }, 1000);

  return {
    endpoint: router.lastEndpoint ?? o.endpoint,
    async close() {
      clearInterval(housekeeping);
      for (const w of watches) w.stop();
      if (!router.closed) router.close();
      await serving;
      await launcher.close();
    },
  };

  function answer(s: ServerRecord): Assignment {
    const filePort = s.files === undefined ? undefined : Number(/:(\d+)$/.exec(s.files)?.[1]);
    return { server: s.id, post: s.post, pub: s.pub, ...(filePort ? { filePort } : {}) };
  }
}

/** Watches every key of a bucket (last values, then changes), feeding `apply`; resolves once the watch is open. */
async function follow(kv: KV, apply: (e: KvWatchEntry) => void): Promise<{ stop(): void }> {
  const watch = await kv.watch();
  void (async () => {
    for await (const e of watch) apply(e);
  })().catch(() => {});
  return watch;
}
