/**
 * A first-in first-out queue whose shift() is O(1) however long it grows.
 * Array.prototype.shift() moves every element: V8 trims a small array in
 * place, but an array of more than about 16,000 elements lives in the
 * large-object space, where each shift() copies the rest (with a write
 * barrier over it). A piped client queueing 100,000 lines spent a third of
 * its CPU there (issue 16). Taken items are cleared at once, and the array
 * is cut once more than half of it (and over 1,024 items) has been taken,
 * so each item is copied at most once on average. It is not reset each time
 * it runs empty: a send queue that goes from one message to none and back
 * would then allocate its array again for every message.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Takes the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The item `i` places from the oldest (0 is the oldest), or undefined past the end. */
  at(i: number): T | undefined {
    return i >= 0 && i < this.length ? this.items[this.head + i] : undefined;
  }

  /** The newest `n` items (all when fewer), oldest first. */
  newest(n: number): T[] {
    return this.items.slice(Math.max(this.head, this.items.length - n)) as T[];
  }
}
