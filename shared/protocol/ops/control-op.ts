/**
 * The shape every control operation shares. On the wire a control request
 * is two frames, the op's name and a JSON object; its answer is ["ok", json]
 * (or an error reply, shared/protocol/replies.ts). Each op says how its
 * request becomes that object and back, and how to validate its answer,
 * so neither side ever trusts what the other sent.
 */
export interface ControlOp<Req extends { op: string }, Answer> {
  /** The first frame of the request. */
  readonly op: Req["op"];
  /** Largest JSON the server takes for it, when not CONTROL_MAX_BYTES (an edit carries a body). */
  readonly maxBytes?: number;
  /** The JSON object sent for a request. */
  toJson(request: Req): object;
  /** Validates a request's JSON object; throws CodecError naming the first bad field. */
  fromJson(json: Record<string, unknown>): Req;
  /** Validates an answer's JSON object; throws CodecError naming the first bad field. */
  answer(json: Record<string, unknown>): Answer;
}
