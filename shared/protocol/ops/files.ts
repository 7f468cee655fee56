/**
 * The files family: an account offers a file to an account, a group or a
 * channel; the server stores it once by its SHA-256, and the offer's
 * recipients download it. It travels on a socket of its own, the server's
 * FILE PORT (a ROUTER bound beside the post port; the hello answer names
 * it as `filePort`), so a transfer never queues in front of chat on the
 * post socket. Parts 1 to 3 have no file port.
 *
 * Every request on the file port carries the account's login token (a
 * file is for accounts only): auth-required without one, auth-failed for
 * a stale one. Every request gets one reply, and a socket's replies come
 * in the order of its requests (the server handles one socket's requests
 * one after another), so a client with several requests in flight on one
 * DEALER matches replies to requests by order; ok answers name their chunk
 * too. A DEALER sends the empty delimiter frame first, as on the post port.
 *
 * Chunks: a file is cut into chunks of CHUNK_BYTES (60 KiB); chunk i covers
 * bytes [i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES), the last one what is
 * left, so a file of `size` bytes has ceil(size / CHUNK_BYTES) chunks
 * (none for an empty file). Each chunk travels in a frame of its own with
 * its SHA-256 (64 lowercase hex digits) in the JSON before it, and whoever
 * receives it checks it: the server refuses a bad put with bad-chunk (send
 * it again); a client that fetched a bad chunk fetches it again.
 *
 * Upload, client DEALER -> server file port:
 *
 *   +---------+-------------------------------------------+
 *   | "offer" | {"token", "to", "name", "size", "sha256"} |          2 frames
 *   +---------+-------------------------------------------+
 *   answer ["ok", {"upload", "chunk", "missing": [[first, last]...], "offer"?}]
 *
 *   +-------+---------------------------------------------+---------+
 *   | "put" | {"token", "upload", "index", "sha256"}      |  bytes  |  3 frames
 *   +-------+---------------------------------------------+---------+
 *   answer ["ok", {"upload", "index", "offer"?}]
 *
 * offer: `to` is an account, a group the sender is in, or "#<channel>"
 * (any channel but ALL); `name` the file's name (checkFileName), `size`
 * its bytes, `sha256` the whole file's. An upload is keyed by (account,
 * to, sha256): offering the same file to the same recipient again resumes
 * it, and `missing` lists the chunk index ranges (inclusive, first <= last,
 * ascending; at most MISSING_RANGES_MAX of them) the server still needs:
 * [[0, n - 1]] for a new upload of n chunks. The server keeps a partial
 * upload across a client's kill -9 and (with --store) its own restart.
 * A file the server stores already (the same sha256, from any upload)
 * needs no chunks: `missing` is [] and `offer` is the new offer's number.
 * `chunk` is CHUNK_BYTES as this server uses it (a client refuses another).
 *
 * put: one chunk of upload `upload` (the id an offer answered). A chunk
 * it has already is answered ok again. The put that completes the upload
 * is answered with `offer` once the whole file's SHA-256 matched; when it
 * does not, the reply is bad-file and the upload starts over (every chunk
 * missing again). A client keeps several puts in flight, a credit window
 * (8 is plenty: the ZeroMQ Guide's "fileio3" file transfer, where credit
 * bounds what is outstanding): it sends a new put as each reply comes.
 *
 * Where ZeroMQ drops: a reply to a DEALER that has gone is dropped by the
 * ROUTER (the client, reconnecting, offers again and learns what is
 * missing); a put that never arrives (a reconnect, a full queue) leaves
 * its reply missing too, so a client whose window has waited too long
 * closes the socket, opens a new one and offers again, the Lazy Pirate
 * way. Neither loses anything: the server has every chunk it answered ok.
 *
 * Download:
 *
 *   +-------+--------------------+
 *   | "get" | {"token", "offer"} |                                      2 frames
 *   +-------+--------------------+
 *   answer ["ok", {file offer..., "chunk"}]
 *
 *   +---------+-----------------------------+
 *   | "fetch" | {"token", "offer", "index"} |                          2 frames
 *   +---------+-----------------------------+
 *   +------+-----------------------------+---------+
 *   | "ok" | {"offer", "index", "sha256"} |  bytes  |                  3 frames
 *   +------+-----------------------------+---------+
 *
 *   request ["files", {"token"}]     answer ["ok", {"files": [file offer...]}]
 *
 * A file offer is {"offer", "from", "to", "group"?, "name", "size",
 * "sha256", "time", "expires"}: its number, the sender's account, the
 * recipient as the sender named it (an account's registered name, a group
 * with group: true, or "#<channel>"), and when it was made and expires
 * (ISO 8601). get and fetch are answered for the offer's recipients only:
 * the named account, the group's members (as they are now), anyone logged
 * in for a channel's, and the sender; anyone else, like an offer that
 * never was, gets not-found ("no file offer 7"), so the answer does not
 * tell that it exists; an expired offer gets not-found "offer 7 has
 * expired". files lists the offers the asker may download, its own
 * included, newest first, at most FILES_LIST_MAX, none expired.
 *
 * How recipients hear of an offer: to an account or a group, a "file"
 * item in the inbox (conversations.ts: a file offer with type "file") of
 * every recipient and the sender (its other clients see it); to a channel,
 * an ordinary channel message of the sender's account, kind me, whose body
 * is offerBody() (`sends report.pdf (2.1 MB, sha256 3f2a9c1e) - /get 7`):
 * it is in the channel's history and in ALL, public like the channel.
 *
 * A file name from someone else is never trusted by whoever saves it: the
 * server refuses a bad one (checkFileName), and the receiving client
 * sanitizes it again before it names a file on disk.
 *
 * Refusals: auth-required, auth-failed; not-found (no such account, group
 * or offer, a group the sender is not in, an unknown or forgotten upload:
 * offer again); bad-field (a bad name, hash, index or size); bad-chunk,
 * bad-file; too-big (--max-file-size), quota (the account's unexpired
 * offers and uploads in progress would pass --file-quota); slow-down with
 * the milliseconds to wait (puts and fetches count their bytes against the
 * account's --file-rate); unavailable (the server's disk failed).
 */
import { CodecError } from "../errors.js";
import { CHUNK_BYTES, FILE_MAX_BYTES, FILE_NAME_MAX_BYTES, FILES_LIST_MAX, MISSING_RANGES_MAX } from "../limits.js";
import { checkGroup, checkName, checkPostChannel, checkTime, checkToken } from "../validate.js";
import { int, json, list, str, type Frames } from "../fields.js";
import { okFrames } from "../replies.js";
import type { ControlOp } from "./control-op.js";

export { CHUNK_BYTES } from "../limits.js";

/** A file offered to an account, a group or a channel, as answers and inbox items carry it. */
export interface FileOffer {
  /** The offer's number on this server, from 1 (`/get 7`). */
  offer: number;
  /** The sender's account. */
  from: string;
  /** An account's registered name, a group's name (with `group`), or "#<channel>". */
  to: string;
  /** Present (true) when `to` is a group. */
  group?: true;
  /** The file's name as the sender gave it (checkFileName; a receiver sanitizes it anyway). */
  name: string;
  size: number;
  /** The whole file's SHA-256, 64 lowercase hex digits. */
  sha256: string;
  /** When the offer was made, and when it expires (ISO 8601). */
  time: string;
  expires: string;
}

/** An offer as an inbox item (before its number m). */
export type FileNotice = FileOffer & { type: "file" };

export type OfferRequest = { op: "offer"; token?: string; to: string; name: string; size: number; sha256: string };
export interface OfferAnswer {
  /** The upload's id, for its puts. */
  upload: string;
  /** CHUNK_BYTES as the server uses it. */
  chunk: number;
  /** Chunk index ranges [first, last] (inclusive) still needed, ascending; [] when the file is complete. */
  missing: [number, number][];
  /** The offer's number, when no chunk is missing (the file was stored already). */
  offer?: number;
}

export type PutRequest = { op: "put"; token?: string; upload: string; index: number; sha256: string; bytes: Buffer };
export interface PutAnswer {
  upload: string;
  index: number;
  /** The offer's number, when this put completed the upload and the whole file matched. */
  offer?: number;
}

export type GetRequest = { op: "get"; token?: string; offer: number };
export type GetAnswer = FileOffer & { chunk: number };

export type FetchRequest = { op: "fetch"; token?: string; offer: number; index: number };
export interface FetchAnswer {
  offer: number;
  index: number;
  sha256: string;
  bytes: Buffer;
}

export type FilesRequest = { op: "files"; token?: string };
export interface FilesAnswer {
  files: FileOffer[];
}

/** Every request the file port takes. */
export type FileRequest = OfferRequest | PutRequest | GetRequest | FetchRequest | FilesRequest;

const SHA256 = /^[0-9a-f]{64}$/;
const UPLOAD = /^[0-9a-f]{32}$/;
/* Controls (C0, DEL, C1), lone surrogates, and the bidirectional overrides that make "report\u202efdp.exe" read as "reportexe.pdf". */
const BAD_NAME_CHAR = /[\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]/u;

/** Throws unless `sha256` is 64 lowercase hexadecimal digits. */
export function checkSha256(sha256: string, field = "sha256"): string {
  if (!SHA256.test(sha256)) throw new CodecError(field, "must be 64 lowercase hexadecimal digits");
  return sha256;
}

/**
 * Throws unless `name` may name an offered file: 1..FILE_NAME_MAX_BYTES of
 * UTF-8, no "/" or "\", no control characters (NUL included) or
 * bidirectional overrides, not "." or "..". A receiver still sanitizes it.
 */
export function checkFileName(name: string, field = "name"): string {
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes === 0 || bytes > FILE_NAME_MAX_BYTES) throw new CodecError(field, `must be 1 to ${FILE_NAME_MAX_BYTES} bytes of UTF-8`);
  if (BAD_NAME_CHAR.test(name)) throw new CodecError(field, "contains control characters or direction overrides");
  if (name.includes("/") || name.includes("\\")) throw new CodecError(field, "must be a file name, without / or \\");
  if (name === "." || name === "..") throw new CodecError(field, "must be a file name, not . or ..");
  return name;
}

/** Throws unless `to` names an account or a group (checkGroup), or a channel as "#<channel>" (not ALL). */
export function checkFileTarget(to: string): string {
  if (to.startsWith("#")) {
    try {
      checkPostChannel(to.slice(1));
    } catch (err) {
      throw err instanceof CodecError ? new CodecError("to", `names no channel one can send to: ${err.reason}`) : err;
    }
    return to;
  }
  return checkGroup(to, "to");
}

/** The channel of a "#<channel>" target, else undefined. */
export const targetChannel = (to: string): string | undefined => (to.startsWith("#") ? to.slice(1) : undefined);

/** Chunks of a file of `size` bytes. */
export const chunkCount = (size: number): number => Math.ceil(size / CHUNK_BYTES);

/** Bytes of chunk `index` of a file of `size` bytes (0 past its end). */
export const chunkLength = (size: number, index: number): number => Math.max(0, Math.min(CHUNK_BYTES, size - index * CHUNK_BYTES));

/** A size as people read it, in powers of 1000: 512 B, 2.1 MB, 100 MB. */
export function formatBytes(size: number): string {
  if (size < 1000) return `${size} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = size / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 100 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/**
 * The body of the channel message that announces an offer to a channel
 * (kind me, so it reads `kyle sends report.pdf (2.1 MB, sha256 3f2a9c1e) - /get 7`).
 */
export function offerBody(o: Pick<FileOffer, "offer" | "name" | "size" | "sha256">): string {
  return `sends ${o.name} (${formatBytes(o.size)}, sha256 ${o.sha256.slice(0, 8)}) - /get ${o.offer}`;
}

const MAX = Number.MAX_SAFE_INTEGER;
const token = (o: Record<string, unknown>) => (o.token === undefined ? {} : { token: checkToken(str(o, "token")) });
const withToken = (r: { token?: string }) => (r.token === undefined ? {} : { token: r.token });
const upload = (o: Record<string, unknown>) => {
  const u = str(o, "upload");
  if (!UPLOAD.test(u)) throw new CodecError("upload", "must be 32 lowercase hexadecimal digits");
  return u;
};
const offerNumber = (o: Record<string, unknown>) => int(o, "offer", 1, MAX);
const index = (o: Record<string, unknown>) => int(o, "index", 0, FILE_MAX_BYTES / CHUNK_BYTES);
const optionalOffer = (o: Record<string, unknown>) => (o.offer === undefined ? {} : { offer: offerNumber(o) });
const chunk = (o: Record<string, unknown>) => {
  if (o.chunk !== CHUNK_BYTES) throw new CodecError("chunk", `must be ${CHUNK_BYTES}: this client and the server cut files alike`);
  return CHUNK_BYTES;
};

/** Validates a file offer of an answer or an inbox item. */
export function checkFileOffer(o: Record<string, unknown>): FileOffer {
  const group = o.group === undefined ? {} : o.group === true ? { group: true as const } : undefined;
  if (!group) throw new CodecError("group", "must be true when present");
  const to = checkFileTarget(str(o, "to"));
  if ("group" in group && to.startsWith("#")) throw new CodecError("to", "cannot be a channel and a group");
  return {
    offer: offerNumber(o), from: checkName("user", str(o, "from")), to, ...group, name: checkFileName(str(o, "name")),
    size: int(o, "size", 0, FILE_MAX_BYTES), sha256: checkSha256(str(o, "sha256")),
    time: checkTime(str(o, "time")), expires: checkTime(str(o, "expires")),
  };
}

/** Validates a file item of an inbox answer (without its m). */
export function checkFileNotice(o: Record<string, unknown>): FileNotice {
  if (o.type !== "file") throw new CodecError("type", "must be file");
  return { type: "file", ...checkFileOffer(o) };
}

function ranges(o: Record<string, unknown>): [number, number][] {
  const v = o.missing;
  if (!Array.isArray(v) || v.length > MISSING_RANGES_MAX) throw new CodecError("missing", `must be a list of at most ${MISSING_RANGES_MAX} ranges`);
  let next = 0;
  return v.map((r) => {
    if (!Array.isArray(r) || r.length !== 2) throw new CodecError("missing", "must hold [first, last] pairs");
    const [first, last] = r as unknown[];
    const pair = { first, last };
    const f = int(pair, "first", next, MAX);
    const l = int(pair, "last", f, MAX);
    next = l + 1;
    return [f, l] as [number, number];
  });
}

export const offer: ControlOp<OfferRequest, OfferAnswer> = {
  op: "offer",
  toJson: (r) => ({ ...withToken(r), to: r.to, name: r.name, size: r.size, sha256: r.sha256 }),
  fromJson: (o) => ({
    op: "offer", ...token(o), to: checkFileTarget(str(o, "to")), name: checkFileName(str(o, "name")),
    size: int(o, "size", 0, FILE_MAX_BYTES), sha256: checkSha256(str(o, "sha256")),
  }),
  answer: (a) => {
    const missing = ranges(a);
    const done = optionalOffer(a);
    if ("offer" in done && missing.length > 0) throw new CodecError("offer", "comes only when no chunk is missing");
    return { upload: upload(a), chunk: chunk(a), missing, ...done };
  },
};

export const getFile: ControlOp<GetRequest, GetAnswer> = {
  op: "get",
  toJson: (r) => ({ ...withToken(r), offer: r.offer }),
  fromJson: (o) => ({ op: "get", ...token(o), offer: offerNumber(o) }),
  answer: (a) => ({ ...checkFileOffer(a), chunk: chunk(a) }),
};

export const listFiles: ControlOp<FilesRequest, FilesAnswer> = {
  op: "files",
  toJson: (r) => withToken(r),
  fromJson: (o) => ({ op: "files", ...token(o) }),
  answer: (a) => ({ files: list(a, "files", FILES_LIST_MAX, checkFileOffer) }),
};

/** The JSON part of put and fetch (their bytes travel in a frame of their own: see encodePut, decodeFetchAnswer). */
export const putChunk: ControlOp<Omit<PutRequest, "bytes">, PutAnswer> = {
  op: "put",
  toJson: (r) => ({ ...withToken(r), upload: r.upload, index: r.index, sha256: r.sha256 }),
  fromJson: (o) => ({ op: "put", ...token(o), upload: upload(o), index: index(o), sha256: checkSha256(str(o, "sha256")) }),
  answer: (a) => ({ upload: upload(a), index: index(a), ...optionalOffer(a) }),
};

export const fetchChunk: ControlOp<FetchRequest, Omit<FetchAnswer, "bytes">> = {
  op: "fetch",
  toJson: (r) => ({ ...withToken(r), offer: r.offer, index: r.index }),
  fromJson: (o) => ({ op: "fetch", ...token(o), offer: offerNumber(o), index: index(o) }),
  answer: (a) => ({ offer: offerNumber(a), index: index(a), sha256: checkSha256(str(a, "sha256")) }),
};

/** Frames of a put: the JSON, then the chunk's bytes. */
export function encodePut(r: PutRequest): (string | Buffer)[] {
  return ["put", JSON.stringify(putChunk.toJson(r)), r.bytes];
}

/** The frames of a fetch's answer: ok, the JSON, the chunk's bytes. */
export function encodeFetchAnswer(a: FetchAnswer): (string | Buffer)[] {
  return ["ok", JSON.stringify({ offer: a.offer, index: a.index, sha256: a.sha256 }), a.bytes];
}

/**
 * Decodes a fetch's answer (an error reply throws RejectedError). The
 * bytes are not checked against their sha256 here: that is the caller's
 * job, which fetches a bad chunk again.
 */
export function decodeFetchAnswer(frames: Frames): FetchAnswer {
  okFrames(frames, 3);
  const a = fetchChunk.answer(json(frames[1]!));
  const bytes = frames[2]!;
  if (bytes.length > CHUNK_BYTES) throw new CodecError("chunk", `is longer than ${CHUNK_BYTES} bytes`);
  return { ...a, bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes) };
}

/** Decodes the chunk frame of a put (the JSON is decoded by FILE_OPS). */
export function putBytes(frame: Uint8Array): Buffer {
  if (frame.length > CHUNK_BYTES) throw new CodecError("chunk", `is longer than ${CHUNK_BYTES} bytes`, "bad-chunk");
  return Buffer.isBuffer(frame) ? frame : Buffer.from(frame);
}
