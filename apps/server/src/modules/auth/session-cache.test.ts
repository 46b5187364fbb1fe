import { describe, expect, it } from 'vitest';
import type { Actor } from '../access';
import { SessionCache } from './session-cache';

const actor = { userId: 7, username: 'u' } as Actor;

describe('session cache', () => {
  it('reuses a lookup within its lifetime, with the request’s own address', async () => {
    const cache = new SessionCache(1000);
    let loads = 0;
    const load = async () => (loads++, { ...actor, ip: 'first' });
    await cache.get('t', '1.1.1.1', load, 0);
    const again = await cache.get('t', '2.2.2.2', load, 999);
    expect(loads).toBe(1);
    expect(again?.ip).toBe('2.2.2.2');
    await cache.get('t', null, load, 1000);
    expect(loads).toBe(2);
  });

  it('forgets everything on clear, and never caches a refusal', async () => {
    const cache = new SessionCache(60_000);
    let loads = 0;
    await cache.get('t', null, async () => (loads++, actor));
    cache.clear();
    await cache.get('t', null, async () => (loads++, actor));
    expect(loads).toBe(2);
    await cache.get('gone', null, async () => (loads++, null));
    await cache.get('gone', null, async () => (loads++, null));
    expect(loads).toBe(4);
  });

  it('is off with a lifetime of 0', async () => {
    const cache = new SessionCache(0);
    let loads = 0;
    for (let i = 0; i < 3; i++) await cache.get('t', null, async () => (loads++, actor), 5);
    expect(loads).toBe(3);
  });
});
