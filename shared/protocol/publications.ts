/**
 * Publications, server XPUB -> client SUB: recorded messages on their
 * channel's topic, and server events (heartbeat, presence, sync) on topics
 * that start with NUL. See shared/protocol/index.ts for the layout.
 */
import { CodecError } from "./errors.js";
import { checkBodyBytes, checkId, checkName, checkTime, checkViewChannel } from "./validate.js";
import { decimal, int, json, printable, str, text, utf8, type Frames } from "./fields.js";
import type { Heartbeat, MessageKind, PresenceEvent, Publication } from "./types.js";

const NUL = 0;
/** The eighth meta field of a message an account posted. */
const ACCOUNT = "account";
const EVENT_HB = "\0hb";
const EVENT_PRESENCE = "\0presence";
const EVENT_SYNC = "\0sync-";

/** The topic a SUB subscribes to for one channel. */
export function channelTopic(channel: string): Buffer {
  return Buffer.concat([Buffer.from(channel, "utf8"), Buffer.of(NUL)]);
}

/** The topic prefix of every server event (heartbeats, presence). */
export const EVENTS_TOPIC = "\0";

/**
 * Frames of a published entry. The server passes the body it received and
 * a topic it has cached; nothing is re-encoded. An edit's or deletion's
 * kind field is `edit:<target>` or `delete:<target>`; a deletion's body is empty.
 * The meta frame is a Buffer (pooled by Node): zeromq.js copies a small
 * Buffer into the message, while a string costs it a UTF-8 conversion and
 * two allocations.
 */
export function encodeMessage(
  topic: Buffer,
  m: { kind: MessageKind; target?: number | undefined; epoch: string; seq: number; gseq: number; id: string; user: string; time: string; account?: true | undefined },
  body: Buffer | string,
): (Buffer | string)[] {
  const kind = m.target === undefined ? m.kind : `${m.kind}:${m.target}`;
  const meta = `${kind} ${m.epoch} ${m.seq} ${m.gseq} ${m.id} ${m.user} ${m.time}`;
  return [topic, Buffer.from(m.account ? `${meta} ${ACCOUNT}` : meta, "utf8"), body];
}

export function encodeHeartbeat(hb: Heartbeat): string[] {
  return [EVENT_HB, JSON.stringify(hb)];
}

/** The answer to a "\0sync-<token>" subscription. */
export function encodeSync(token: string, hb: Heartbeat): string[] {
  return [EVENT_SYNC + token, JSON.stringify(hb)];
}

/** The topic whose subscription asks the server for a sync event. */
export function syncTopic(token: string): string {
  return EVENT_SYNC + token;
}

export function encodePresence(p: PresenceEvent): string[] {
  return [EVENT_PRESENCE, JSON.stringify(p)];
}

/** Validates and decodes anything a SUB socket receives. */
export function decodePublication(frames: Frames): Publication {
  const topic = frames[0];
  if (topic === undefined || topic.length === 0) throw new CodecError("topic", "is empty", "bad-request");
  if (topic[0] === NUL) {
    if (frames.length !== 2) throw new CodecError("event", `needs 2 frames, got ${frames.length}`, "bad-request");
    const name = text(topic);
    // Not limited like a request: a heartbeat's heads grow with the channels active lately.
    const body = json(frames[1]!, Infinity);
    const sync = name.startsWith(EVENT_SYNC) ? name.slice(EVENT_SYNC.length) : undefined;
    if (name === EVENT_HB || sync !== undefined) {
      const heads = body.heads;
      if (typeof heads !== "object" || heads === null || Array.isArray(heads)) {
        throw new CodecError("heads", "must be an object");
      }
      for (const v of Object.values(heads)) {
        if (!Number.isSafeInteger(v) || (v as number) < 0) throw new CodecError("heads", "must map channels to numbers");
      }
      const heartbeat: Heartbeat = {
        epoch: str(body, "epoch"),
        gseq: int(body, "gseq", 0, Number.MAX_SAFE_INTEGER),
        heads: heads as Record<string, number>,
        time: checkTime(str(body, "time")),
      };
      return sync === undefined ? { type: "heartbeat", heartbeat } : { type: "heartbeat", heartbeat, sync };
    }
    if (name === EVENT_PRESENCE) {
      const event = body.event;
      if (event !== "join" && event !== "leave") throw new CodecError("event", "must be join or leave");
      return {
        type: "presence",
        presence: { event, user: checkName("user", str(body, "user")), channel: checkViewChannel(str(body, "channel")) },
      };
    }
    throw new CodecError("event", `'${printable(name)}' is not a known event`, "bad-request");
  }
  if (topic[topic.length - 1] !== NUL) throw new CodecError("topic", "must end with NUL", "bad-request");
  if (frames.length !== 3) throw new CodecError("message", `needs 3 frames, got ${frames.length}`, "bad-request");
  const channel = checkName("channel", utf8(topic.subarray(0, topic.length - 1), "channel"));
  const meta = utf8(frames[1]!, "meta").split(" ");
  if (meta.length !== 7 && !(meta.length === 8 && meta[7] === ACCOUNT)) {
    throw new CodecError("meta", `needs 7 fields (8 ending in ${ACCOUNT}), got ${meta.length}`, "bad-request");
  }
  const [kindField, epoch, seqField, gseq, id, user, time] = meta as [string, string, string, string, string, string, string];
  const seq = decimal(seqField, "seq");
  const { kind, target } = parseKind(kindField, seq);
  const body = frames[2]!;
  if (kind !== "delete") checkBodyBytes(body);
  else if (body.length !== 0) throw new CodecError("body", "must be empty for a deletion");
  return {
    type: "message",
    message: {
      channel,
      kind,
      ...(target === undefined ? {} : { target }),
      epoch: checkId(epoch, "epoch"),
      seq,
      gseq: decimal(gseq, "gseq"),
      id: checkId(id),
      user: checkName("user", user),
      time: checkTime(time),
      body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"),
      ...(meta.length === 8 ? { account: true as const } : {}),
    },
  };
}

/** The kind field of a meta frame: say, me, or edit:<target> / delete:<target> with target an earlier seq. */
function parseKind(field: string, seq: number): { kind: MessageKind; target?: number } {
  if (field === "say" || field === "me") return { kind: field };
  const colon = field.indexOf(":");
  const kind = field.slice(0, colon);
  if (colon < 0 || (kind !== "edit" && kind !== "delete")) throw new CodecError("kind", "must be say, me, edit:<seq> or delete:<seq>");
  const target = decimal(field.slice(colon + 1), "target");
  if (target < 1 || target >= seq) throw new CodecError("target", "must be an earlier seq of the channel");
  return { kind, target };
}
