/**
 * Shapes shared by several resources: timestamps, lists and pagination.
 *
 * @example
 * ```ts
 * import { z } from "../_deps/zod.ts";
 * import { listOf } from "./common.ts";
 * const Names = listOf(z.string(), "NameList");
 * Names.parse({ object: "list", data: ["a"], has_more: false, next_cursor: null });
 * ```
 * @module
 */
import { z } from "../_deps/zod.ts";

/** ISO-8601 UTC timestamp with milliseconds, e.g. `2026-06-12T08:00:00.000Z`. */
export const Timestamp = z.string().meta({
  description: "ISO-8601 UTC timestamp",
  example: "2026-06-12T08:00:00.000Z",
});

/** The list envelope used by every list route. */
export function listOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({
    object: z.literal("list"),
    data: z.array(item),
    has_more: z.boolean(),
    next_cursor: z.string().nullable(),
  }).meta({ id });
}

/** `limit` (1–100, default 20) and `starting_after`, as query parameters arrive (strings). */
export const PaginationQuery = z.object({
  // Decimal digits only: `Number()` would also take "0x10", "1e1" or " 5 ".
  limit: z.preprocess(
    (value) => typeof value === "string" && /^[0-9]{1,6}$/.test(value) ? Number(value) : value,
    z.number({ error: "limit must be a whole number from 1 to 100" }).int().min(1).max(100),
  ).default(20).meta({
    description: "Page size, 1 to 100",
    example: 20,
  }),
  starting_after: z.string().min(1).max(200).optional().meta({
    description: "Cursor returned as next_cursor from a previous page",
  }),
});
