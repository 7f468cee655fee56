/**
 * The directory family: what a client asks the directory (the cluster's
 * login server, part4/mc_directory.js) before it talks to a chat server.
 * The directory listens on a ROUTER of its own, so these ops are not in
 * CONTROL_OPS (no chat server answers them); the frames are the same shape.
 *
 *   request  ["assign", {"user", "avoid"?}]
 *   answer   ["ok", {"server", "post", "pub", "filePort"?}]
 *   error    ["err", "unavailable", sentence]   no server has room and none could be started
 *
 * `avoid` names a server (by id) the client found silent: the directory
 * assigns another one, even if that one still looks alive to it. A user
 * who already holds a slot on a live server gets that server again.
 * `post` and `pub` are tcp:// endpoints a client connects to as it would
 * to `<ip> <post_port> <pub_port>`; `filePort` is beside `post`.
 */
import { CodecError, MalformedAnswerError } from "../errors.js";
import { ANSWER_MAX_BYTES, CONTROL_MAX_BYTES } from "../limits.js";
import { int, json, printable, str, text, type Frames } from "../fields.js";
import { okFrames } from "../replies.js";
import { checkName } from "../validate.js";
import type { ControlOp } from "./control-op.js";

/** A server's id in the cluster: a KV key token, so no dots, spaces or wildcards. */
const SERVER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ENDPOINT = /^tcp:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

/** Throws unless `id` is a server id. */
export function checkServerId(id: string, field = "server"): string {
  if (!SERVER_ID.test(id)) throw new CodecError(field, "must be 1 to 64 letters, digits, - or _");
  return id;
}

/** Throws unless `endpoint` is a tcp://host:port a client can connect to. */
export function checkEndpoint(endpoint: string, field: string): string {
  if (!ENDPOINT.test(endpoint)) throw new CodecError(field, "must be a tcp://host:port endpoint");
  return endpoint;
}

export type AssignRequest = { op: "assign"; user: string; avoid?: string | undefined };
export interface Assignment {
  /** The server's id in the cluster (what `avoid` names). */
  server: string;
  post: string;
  pub: string;
  filePort?: number;
}

export const assign: ControlOp<AssignRequest, Assignment> = {
  op: "assign",
  toJson: (r) => ({ user: r.user, ...(r.avoid === undefined ? {} : { avoid: r.avoid }) }),
  fromJson: (a) => ({
    op: "assign",
    user: checkName("user", str(a, "user")),
    ...(a.avoid === undefined ? {} : { avoid: checkServerId(str(a, "avoid"), "avoid") }),
  }),
  answer: (a) => ({
    server: checkServerId(str(a, "server")),
    post: checkEndpoint(str(a, "post"), "post"),
    pub: checkEndpoint(str(a, "pub"), "pub"),
    ...(a.filePort === undefined ? {} : { filePort: int(a, "filePort", 1, 65_535) }),
  }),
};

/** The directory's operations, by the name in their first frame. */
export const DIRECTORY_OPS = { assign } as const;
export type DirectoryRequest = AssignRequest;

/** Frames of a directory request. */
export function encodeDirectoryRequest(request: DirectoryRequest): string[] {
  return [request.op, JSON.stringify(DIRECTORY_OPS[request.op].toJson(request))];
}

/** Validates and decodes a directory request; throws CodecError naming the first bad field. */
export function decodeDirectoryRequest(frames: Frames): DirectoryRequest {
  if (frames.length !== 2) throw new CodecError("request", `needs 2 frames, got ${frames.length}`, "bad-request");
  const name = text(frames[0]!);
  if (!Object.hasOwn(DIRECTORY_OPS, name)) throw new CodecError("op", `'${printable(name)}' is not a directory request`, "bad-request");
  return DIRECTORY_OPS[name as keyof typeof DIRECTORY_OPS].fromJson(json(frames[1]!, CONTROL_MAX_BYTES));
}

/** Decodes the directory's answer to assign; an error reply throws RejectedError, a malformed one MalformedAnswerError. */
export function decodeAssignment(frames: Frames): Assignment {
  try {
    okFrames(frames, 2);
    return assign.answer(json(frames[1]!, ANSWER_MAX_BYTES));
  } catch (err) {
    if (err instanceof CodecError) throw new MalformedAnswerError("assign", err);
    throw err;
  }
}
