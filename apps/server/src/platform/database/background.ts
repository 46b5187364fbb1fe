import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Background work (jobs, autovacuum) and the requests in flight. On PGlite,
 * whose one connection every request shares, background work takes the
 * connection only while no request is being answered (pglite-dialect.ts):
 * a request makes several queries one after the other, and a job that
 * grabbed the free connection between two of them would make it wait for a
 * batch at every step. On PostgreSQL none of this changes anything.
 */
const background = new AsyncLocalStorage<true>();

/** Runs `work` as background work; the mark follows the async calls made inside it. */
export function inBackground<T>(work: () => Promise<T>): Promise<T> {
  return background.run(true, work);
}

export const isBackground = (): boolean => background.getStore() === true;

let inFlight = 0;
const idleListeners = new Set<() => void>();

/** Counts a request as in flight until the returned function is called (once or more). */
export function requestStarted(): () => void {
  inFlight++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    if (--inFlight === 0) for (const listener of idleListeners) listener();
  };
}

export const requestsInFlight = (): number => inFlight;

/** Calls `listener` each time the last request in flight ends; returns the unsubscribe. */
export function onRequestsIdle(listener: () => void): () => void {
  idleListeners.add(listener);
  return () => idleListeners.delete(listener);
}
