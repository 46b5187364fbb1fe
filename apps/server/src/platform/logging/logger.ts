import pino, { type Logger } from 'pino';

/** One pino logger for the API, the worker and the jobs (JSON lines on stdout). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]', '*.password'],
  });
}
