/**
 * Every limit of the wire protocol in one place; README's protocol section
 * quotes these numbers.
 */

/** Longest user or channel name, in characters (Unicode code points). */
export const NAME_MAX_CHARS = 32;
/** Longest message body, in UTF-8 bytes (16 KiB). */
export const BODY_MAX_BYTES = 16 * 1024;
/** Longest post id, in ASCII bytes. */
export const ID_MAX_BYTES = 64;
/**
 * Longest meta frame of a compact post ("id channel user time kind"), in
 * bytes: room for the longest id, two names of 4-byte characters, a time
 * with nanoseconds and an offset, the kind and the spaces.
 */
export const POST_META_MAX_BYTES = 512;
/**
 * Posts a client may have in flight when the server keeps their order (the
 * hello answer's window). More hides more of the round trip; the server
 * queues at most BACKLOG_MAX (pipeline.ts) behind a slow request.
 */
export const POST_WINDOW = 8;
/** The largest window a client believes (a bound against a server's nonsense). */
export const POST_WINDOW_MAX = 64;
/** Largest history answer, in messages. */
export const HISTORY_MAX = 1000;
/** Largest JSON control frame accepted by the server, in bytes. */
export const CONTROL_MAX_BYTES = 4 * 1024;
/**
 * Largest JSON of an edit request, in bytes: room for a body of
 * BODY_MAX_BYTES even if every byte is escaped (a newline is two), and the
 * other fields.
 */
export const EDIT_MAX_BYTES = 2 * BODY_MAX_BYTES + 1024;
/**
 * libzmq's per-frame limit on the server's sockets (ZMQ_MAXMSGSIZE): a peer
 * that sends a larger frame is disconnected by libzmq before any of it is
 * buffered in Node.
 */
export const MAX_FRAME_BYTES = 64 * 1024;

/** The read-only view of every channel. */
export const ALL = "ALL";
/** The one channel of the single-channel servers (parts 1 to 3). */
export const DEFAULT_CHANNEL = "general";
/** Shortest and longest password, in UTF-8 bytes. */
export const PASSWORD_MIN_BYTES = 8;
export const PASSWORD_MAX_BYTES = 1024;
/** Channels one hello may list. */
export const HELLO_CHANNELS_MAX = 64;
/** Client sessions a server keeps in its presence table (so the most a who answer lists). */
export const SESSIONS_MAX = 10_000;
/**
 * Largest answer a client accepts, in bytes: a history answer of HISTORY_MAX
 * bodies of BODY_MAX_BYTES, each escaped in JSON, stays well under it.
 */
export const ANSWER_MAX_BYTES = 64 * 1024 * 1024;

/** Most members of a group, its owner included. */
export const GROUP_MAX_MEMBERS = 256;
/** Most inbox items (private messages, alerts, group notices) in one inbox answer. */
export const INBOX_BATCH = 100;
/** Longest an inbox request may be held by the server waiting for something to arrive, in ms. */
export const INBOX_WAIT_MAX_MS = 30_000;
/** Most items an account's inbox keeps undelivered; past it, messages to the account are refused. */
export const INBOX_MAX_UNREAD = 10_000;
/** Most watched keywords, and most followed users, per account. */
export const ALERTS_MAX = 50;
/** Most groups one account may own. */
export const GROUPS_OWNED_MAX = 100;

/**
 * Bytes of one file chunk (60 KiB): chunk i covers bytes [i * CHUNK_BYTES,
 * (i + 1) * CHUNK_BYTES) of the file, the last one what is left. It travels
 * in a frame of its own, under MAX_FRAME_BYTES with room to spare.
 */
export const CHUNK_BYTES = 60 * 1024;
/** Longest file name in an offer, in UTF-8 bytes (what most file systems take). */
export const FILE_NAME_MAX_BYTES = 255;
/** Largest file any server takes, whatever its --max-file-size (1 TiB): keeps chunk indices small. */
export const FILE_MAX_BYTES = 2 ** 40;
/** Most offers one files answer lists (the newest). */
export const FILES_LIST_MAX = 1000;
/** Most chunk ranges an offer answer lists; a client asks again (offers once more) after sending those. */
export const MISSING_RANGES_MAX = 1000;
