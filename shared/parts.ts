/**
 * What each part of the assignment enables: the one place that says how the
 * four parts differ. Servers and clients take a part's features rather than
 * loose booleans.
 */

export interface PartFeatures {
  /** The server publishes on a PUB port (parts 2-4). */
  readonly publish: boolean;
  /**
   * Posts may name any channel and clients /join and /leave (part 4);
   * otherwise everything is in the one channel `general`.
   */
  readonly multiChannel: boolean;
}

export const PARTS = {
  1: { publish: false, multiChannel: false },
  2: { publish: true, multiChannel: false },
  3: { publish: true, multiChannel: false },
  4: { publish: true, multiChannel: true },
} as const satisfies Record<1 | 2 | 3 | 4, PartFeatures>;

export type Part = keyof typeof PARTS;
