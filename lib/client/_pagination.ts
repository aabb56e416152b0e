/**
 * Cursor pagination shared by every list (`limit`, `starting_after` = the previous page's
 * `next_cursor`). Iterators here never repeat an item and never loop: an empty page that
 * says `has_more` is followed (a server may filter a page empty), a cursor the server sent
 * before stops the listing with an error instead of cycling, and items already yielded
 * (pages can overlap when new items arrive meanwhile) are skipped.
 * @module
 */
import type { RequestOptions } from "./_core.ts";
import { ResponseValidationError } from "./errors.ts";

/** One page as the list envelope carries it. */
export interface Page<T> {
  /** The page's items. */
  data: T[];
  /** Whether more items follow this page. */
  has_more: boolean;
  /** The cursor of the next page (`starting_after`); `null` on the last page. */
  next_cursor: string | null;
}

/** Fetch the page after `cursor` (undefined: the first page) with `limit` items. */
export type FetchPage<T> = (
  cursor: string | undefined,
  limit: number,
  options: RequestOptions,
) => Promise<Page<T>>;

/** Options of {@linkcode paginate}. */
export interface PaginateOptions extends RequestOptions {
  /** Items per page, 1–100. Default 20. */
  pageSize?: number;
  /** Consecutive empty pages tolerated before giving up. Default 50. */
  maxEmptyPages?: number;
}

/**
 * Pages of items, following cursors, without duplicates or loops.
 *
 * @example
 * ```ts
 * import { paginate } from "./_pagination.ts";
 * const pages = paginate(async (cursor) => ({
 *   data: cursor ? [{ id: "b" }] : [{ id: "a" }],
 *   has_more: !cursor,
 *   next_cursor: cursor ? null : "a",
 * }));
 * for await (const page of pages) console.log(page.map((item) => item.id)); // ["a"], ["b"]
 * ```
 */
export async function* paginate<T extends { id: string }>(
  fetchPage: FetchPage<T>,
  options: PaginateOptions = {},
): AsyncGenerator<T[]> {
  const limit = Math.max(1, Math.min(100, Math.trunc(options.pageSize ?? 20)));
  const maxEmpty = options.maxEmptyPages ?? 50;
  const seenItems = new Set<string>();
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  let empty = 0;
  for (;;) {
    const page = await fetchPage(cursor, limit, options);
    const fresh = page.data.filter((item) => !seenItems.has(item.id));
    fresh.forEach((item) => seenItems.add(item.id));
    if (fresh.length > 0) yield fresh;
    if (!page.has_more) return;
    empty = page.data.length === 0 ? empty + 1 : 0;
    if (empty > maxEmpty) {
      throw new ResponseValidationError(
        `The list returned ${empty} empty pages in a row while saying it has more; stopped`,
      );
    }
    // A server that says has_more without a cursor: continue after the last item, as the
    // documented cursors are item ids.
    const next = page.next_cursor ?? page.data.at(-1)?.id;
    if (next === undefined) return;
    if (seenCursors.has(next) || next === cursor) {
      throw new ResponseValidationError(
        `The list returned the cursor ${JSON.stringify(next)} twice; stopped instead of ` +
          "looping (the items so far were each delivered once)",
      );
    }
    seenCursors.add(next);
    cursor = next;
  }
}

/**
 * A listing: `for await` over its items, walk its pages, or take the first N.
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 * const piq = await connect();
 * const files = piq.files.list({ format: "FASTA" });
 * const firstFive = await files.take(5);
 * for await (const page of files.pages()) console.log(page.length);
 * ```
 */
export class Listing<T extends { id: string }> implements AsyncIterable<T> {
  readonly #fetchPage: FetchPage<T>;
  readonly #options: PaginateOptions;

  /** A listing over a page fetcher. */
  constructor(fetchPage: FetchPage<T>, options: PaginateOptions = {}) {
    this.#fetchPage = fetchPage;
    this.#options = options;
  }

  /** Each page (arrays of items not seen before), following `next_cursor`. */
  pages(options: { pageSize?: number } = {}): AsyncGenerator<T[]> {
    return paginate(this.#fetchPage, { ...this.#options, ...options });
  }

  /** Every item. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const page of this.pages()) yield* page;
  }

  /** The first `count` items (fetched in pages no larger than needed). */
  async take(count: number): Promise<T[]> {
    const items: T[] = [];
    if (count <= 0) return items;
    const pageSize = this.#options.pageSize ?? Math.min(100, Math.max(1, count));
    for await (const page of this.pages({ pageSize })) {
      for (const item of page) {
        items.push(item);
        if (items.length >= count) return items;
      }
    }
    return items;
  }
}
