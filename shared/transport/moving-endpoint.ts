/**
 * An endpoint that can change while sockets use it: a client sent to
 * another server by the directory moves every socket it has there at once.
 * A requester (or the feed) given one reconnects when it moves; given a
 * plain string, nothing changes for it.
 */
export class MovingEndpoint {
  private readonly listeners = new Set<() => void>();

  constructor(private value: string) {}

  /** Where to connect now. */
  get current(): string {
    return this.value;
  }

  /** Points it at `to`; everyone listening reconnects. */
  move(to: string): void {
    if (to === this.value) return;
    this.value = to;
    for (const listener of [...this.listeners]) listener();
  }

  /** Calls `listener` after each move; returns its removal. */
  onMove(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** A fixed endpoint, or one that can move. */
export type EndpointLike = string | MovingEndpoint;

/** Where an endpoint points now. */
export const endpointOf = (e: EndpointLike): string => (typeof e === "string" ? e : e.current);

/** Calls `listener` when `e` moves (never for a fixed one); returns its removal. */
export const onMove = (e: EndpointLike, listener: () => void): (() => void) => (typeof e === "string" ? () => {} : e.onMove(listener));
