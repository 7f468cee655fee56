/**
 * What a store's change returns: the result at once (the memory and SQLite
 * engines), or a promise of it (a cluster's engine, shared/server/replicated/,
 * settled once the change is applied here in the cluster's order). Callers
 * `await` it either way.
 */
export type Changed<T> = T | Promise<T>;

/** A store whose changes are made at once: its methods' promises taken away (what the replicated engines apply to). */
export type Immediate<S> = { [K in keyof S]: S[K] extends (...args: infer A) => infer R ? (...args: A) => Awaited<R> : S[K] };
