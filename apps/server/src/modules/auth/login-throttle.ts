/**
 * Per-address brake on failed logins, beside the per-account lockout: it
 * stops one client from walking through many usernames. In memory, so it
 * resets on restart — the account lockout in the database does not.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 30,
    private readonly windowMs = 15 * 60_000,
  ) {}

  isBlocked(ip: string, now = Date.now()): boolean {
    return this.recent(ip, now).length >= this.maxFailures;
  }

  fail(ip: string, now = Date.now()): void {
    const list = this.recent(ip, now);
    list.push(now);
    this.failures.set(ip, list);
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(ip: string, now: number): number[] {
    return (this.failures.get(ip) ?? []).filter((t) => now - t < this.windowMs);
  }
}
