/**
 * Whether an error means "the database is not there right now" (a restart,
 * a failover, an admin kill, a closed embedded database) rather than a bug
 * or a refused statement: such a request is answered 503, and the pool
 * connects again on the next one.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  // SQLSTATE class 08 (connection exception), 57P01–57P03 (admin / crash
  // shutdown, cannot connect now: starting up or shutting down), 53300 (too
  // many connections)
  if (/^08...$/.test(code) || /^57P0[1-3]$/.test(code) || code === '53300') return true;
  if (SOCKET_CODES.has(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (MESSAGES.some((m) => m.test(message))) return true;
  // net's happy-eyeballs connect wraps its attempts in an AggregateError
  if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1)))
    return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// What pg and pg-pool say (plain Errors, no code) when the socket went away
// under a query, when a query is sent on such a client (Kysely's ROLLBACK
// after the failed statement), or when no connection came within
// connectionTimeoutMillis; and PGlite once it is closed.
const MESSAGES = [
  /^Connection terminated/,
  /is not queryable$/,
  /^timeout exceeded when trying to connect$/,
  /^PGlite is closed$/,
];
