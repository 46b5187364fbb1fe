import { z } from 'zod';

export const idParam = z.strictObject({ id: z.coerce.number().int().positive('编号无效') });

export const pageQuery = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() });

/** Optimistic-lock version sent back with every edit. */
export const version = z.number().int().min(1);

export const okResponse = z.object({ ok: z.literal(true) });
