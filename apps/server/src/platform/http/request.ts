import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../modules/access';
import { DomainError } from './domain-error';

/** The authenticated actor of a non-public route (the onRequest hook guarantees one). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new DomainError('UNAUTHENTICATED');
  return req.actor;
}
