import type { FastifyRequest } from 'fastify';
import { DomainError } from './domain-error';

/**
 * Who is behind a request: the fields the HTTP layer itself reads. modules/access
 * merges its whole Actor in (declaration merging), so routes get an Actor and
 * platform names no module.
 */
export interface RequestActor {
  csrfToken: string;
  mustChangePassword: boolean;
}

/** The authenticated actor of a non-public route (the onRequest hook guarantees one). */
export function actorOf(req: FastifyRequest): RequestActor {
  if (!req.actor) throw new DomainError('UNAUTHENTICATED');
  return req.actor;
}
