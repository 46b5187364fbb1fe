import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';

/** After an early answer, at most this much more of a request body is read and dropped. */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024;

/**
 * An upload as its route reads it: a stream of its own in front of the
 * request. A route that stops early (too large, wrong type) may destroy it;
 * the request and its socket live on, so the answer (413, 415 …) reaches the
 * client instead of a reset connection.
 */
export function uploadStream(payload: Readable): Readable {
  const body = new PassThrough();
  payload.pipe(body);
  payload.on('error', (err) => body.destroy(err));
  payload.on('close', () => {
    if (!payload.readableEnded) body.destroy(new Error('upload aborted'));
  });
  return body;
}

/**
 * Answered before the request body was read to its end: drop the rest so the
 * client, still sending, gets to read the answer, and the connection stays in
 * step for the next request. A client that goes on sending past
 * DRAIN_MAX_BYTES is cut off.
 */
export function drainRest(raw: IncomingMessage): void {
  let dropped = 0;
  raw.unpipe();
  raw.removeAllListeners('data');
  raw.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_MAX_BYTES) raw.socket?.destroy();
  });
  raw.resume();
}
