import { z } from 'zod';

/** The largest id an integer (int4) column holds: a larger one is no row, not a 500. */
export const MAX_ROW_ID = 2_147_483_647;
/** a row's id in a JSON body */
export const rowId = z.number().int().positive('编号无效').max(MAX_ROW_ID, '编号无效');
/** a row's id in a path or query string */
export const rowIdParam = z.coerce.number().int().positive('编号无效').max(MAX_ROW_ID, '编号无效');

export const idParam = z.strictObject({ id: rowIdParam });

export const pageQuery = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() });

/** Optimistic-lock version sent back with every edit. */
export const version = z.number().int().min(1);

export const okResponse = z.object({ ok: z.literal(true) });
