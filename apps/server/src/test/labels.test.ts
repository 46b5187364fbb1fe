import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditActionLabels, auditEntityLabels } from '@xiangmu/contracts';

// Every audit action and object type written anywhere in the server (routes,
// jobs, the backup command) has its Chinese label for the 审计日志 (issue
// 15.2). The walks over the routes and the jobs check the rows they write;
// this reads the source, so a write no test walks is held to it too.
const src = join(import.meta.dirname, '..');
const sources = (readdirSync(src, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('test'))
  .map((f) => readFileSync(join(src, f), 'utf8'));
const found = (pattern: RegExp) =>
  [
    ...new Set(
      sources.flatMap((text) => [...text.matchAll(pattern)].map((m) => m.slice(1).find(Boolean)!)),
    ),
  ].sort();

describe('labels of what the audit log records', () => {
  it('has one for every action written in the source', () => {
    const actions = found(
      /(?:action|uploaded|mapped): '([a-z0-9_]+\.[a-z0-9_]+)'|\['(import\.[a-z_]+)'/g,
    );
    expect(actions.length).toBeGreaterThan(50);
    expect(actions.filter((a) => !(a in auditActionLabels))).toEqual([]);
  });

  it('has one for every object type written in the source', () => {
    const types = found(/entityType: '([a-z0-9_]+)'/g);
    expect(types.length).toBeGreaterThan(15);
    expect(types.filter((t) => !(t in auditEntityLabels))).toEqual([]);
  });
});
