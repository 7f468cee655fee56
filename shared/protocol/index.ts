/**
 * The wire protocol (mchat/1): every frame any part sends or receives is
 * built and parsed in this folder, nowhere else. All text is UTF-8.
 *
 *   ops/<family>.ts   one family of requests each (chat, history, presence, accounts, edits):
 *                     request encoder and decoder, validating answer decoder
 *   ops/index.ts      the typed map from op to request and answer; dispatch
 *   file-port.ts      the same for the file port (ops/files.ts: offer, put, get, fetch, files)
 *   publications.ts   what the PUB socket carries
 *   replies.ts        ok / err framing; errors.ts the error codes
 *   validate.ts, fields.ts, message.ts, limits.ts   field rules and numbers
 *
 * Requests, client REQ -> server ROUTER (REQ adds and strips the empty
 * delimiter frame; a DEALER client must send it itself):
 *
 *   +--------+----+---------+------+------+------+------+
 *   | "post" | id | channel | user | time | kind | body |   7 frames
 *   +--------+----+---------+------+------+------+------+
 *   +---------+---------------------------------------+------+
 *   | "post2" | id SP channel SP user SP time SP kind | body |   the same post in 3 frames, to servers
 *   +---------+---------------------------------------+------+   whose hello answer has "posts": 2 (ops/chat.ts)
 *   +------+------+
 *   |  op  | json |   2 frames; op is one of CONTROL_OPS (ops/index.ts)
 *   +------+------+
 *
 *   ["edit", {"id", "channel", "seq"?, "body", "token"}]   change a message of one's own account
 *   ["delete", {"id", "channel", "seq"?, "token"}]         (seq absent: one's last one in the channel)
 *
 * Replies, server -> client, one per request:
 *
 *   ["ok", seq, gseq]                    a post was recorded (decimal numbers)
 *   ["ok", json]                         a control request's answer; for edit and
 *                                        delete {"seq", "gseq", "target"}
 *   ["err", code, sentence]              refused; nothing was recorded
 *   ["err", "slow-down", sentence, ms]   refused for now; retry after ms
 *
 * Files, client DEALER -> server file port (a ROUTER of its own on the post
 * port's address; part 4 only; its port is the hello answer's "filePort"),
 * so a transfer never queues in front of chat (ops/files.ts):
 *
 *   ["offer", {"token", "to", "name", "size", "sha256"}]     -> ["ok", {"upload", "chunk", "missing", "offer"?}]
 *   ["put", {"token", "upload", "index", "sha256"}, bytes]   -> ["ok", {"upload", "index", "offer"?}]
 *   ["get", {"token", "offer"}]                              -> ["ok", {file offer, "chunk"}]
 *   ["fetch", {"token", "offer", "index"}]                   -> ["ok", {"offer", "index", "sha256"}, bytes]
 *   ["files", {"token"}]                                     -> ["ok", {"files": [file offer...]}]
 *
 *   chunks of CHUNK_BYTES (60 KiB), each with its SHA-256; replies in the
 *   order of a socket's requests; errors as on the post port.
 *
 * Publications, server XPUB -> client SUB:
 *
 *   +---------------+-------------------------------------------------+------+
 *   | channel, NUL  | kind SP epoch SP seq SP gseq SP id SP user SP time | body |
 *   +---------------+-------------------------------------------------+------+
 *
 *   kind is say or me for a message, edit:<target> or delete:<target> for a
 *   change of message <target> (a seq of the same channel); an edit's body
 *   is the new text, a deletion's is empty. A change has numbers of its own
 *   in the same sequences as messages; its user is the account's name and its
 *   time when the server received it. An eighth meta field "account"
 *   marks an entry an account wrote (every edit and deletion).
 *
 *   +-------------+------+
 *   | NUL, event  | json |   event is hb, presence or sync-<token>
 *   +-------------+------+
 *
 * The NUL that ends a channel's topic is what makes SUB's prefix match exact:
 * subscribing to "dev\0" can never match "devops\0". Events start with NUL,
 * which no channel name can, so "\0" subscribes to every event and "" to
 * everything. Names never contain spaces, so the meta frame splits on SP.
 *
 * A subscriber that subscribes to "\0sync-<token>" after its other topics
 * gets a sync event (a heartbeat) on exactly that topic once the server has
 * seen the subscription: proof that its earlier subscriptions are active.
 */
export * from "./types.js";
export * from "./ops/index.js";
export * from "./replies.js";
export * from "./message.js";
export * from "./errors.js";
export * from "./publications.js";
export * from "./file-port.js";
