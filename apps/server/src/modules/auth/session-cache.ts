import type { Actor } from '../access';

/**
 * Remembers, for a moment, which actor a session cookie belongs to, so a
 * read does not cost a database round trip (on PGlite most of a request).
 *
 * Correctness: every state-changing request in this process clears the
 * whole cache before its response is sent (logout, disable, role or region
 * change …). Another API process on the same PostgreSQL server sees such a
 * change within `ttlMs` at most. docs/adr/0004.
 */
export class SessionCache {
  private readonly entries = new Map<string, { actor: Omit<Actor, 'ip'>; at: number }>();

  constructor(
    private readonly ttlMs = 2_000,
    private readonly maxEntries = 50_000,
  ) {}

  async get(
    token: string,
    ip: string | null,
    load: () => Promise<Actor | null>,
    now = Date.now(),
  ): Promise<Actor | null> {
    const hit = this.entries.get(token);
    if (hit && now - hit.at < this.ttlMs) return { ...hit.actor, ip };
    const actor = await load();
    if (actor) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(token, { actor, at: now });
    } else this.entries.delete(token);
    return actor;
  }

  clear(): void {
    this.entries.clear();
  }
}
