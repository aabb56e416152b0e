/**
 * `Range` requests on downloads (RFC 9110 §14), as a pure function of the header and the
 * file's size, so the code that serves the bytes (from memory or streamed from disk) only
 * slices.
 *
 * - One byte range (`bytes=first-last`, `bytes=first-`, `bytes=-suffix`) → `206` with that
 *   slice; `last` past the end is clamped, a suffix longer than the file is the whole file.
 * - A range that cannot be satisfied (first byte at or past the end, `last < first`, a
 *   zero-length suffix, any range of an empty file) → `416` with `Content-Range: bytes *\/SIZE`.
 * - Several ranges (`bytes=0-1,5-6`) → `200` with the whole file: RFC 9110 §14.2 lets a server
 *   ignore `Range`, and a notebook client only ever resumes one interrupted download, so a
 *   `multipart/byteranges` body would be code nobody calls.
 * - A unit other than `bytes`, or a header that is not a range set at all → `200`, the
 *   whole file (§14.2: a server must ignore a range unit it does not understand).
 * @module
 */

/** What to answer to a request's `Range` header for a file of `size` bytes. */
export type RangeAnswer =
  | { kind: "whole" }
  | { kind: "partial"; start: number; end: number }
  | { kind: "unsatisfiable" };

const INT_RANGE = /^(\d+)-(\d*)$/;
const SUFFIX_RANGE = /^-(\d+)$/;

/**
 * Resolve a `Range` header against a file's size. `end` is inclusive.
 *
 * @example
 * ```ts
 * import { resolveRange } from "./_range.ts";
 * resolveRange("bytes=-3", 10); // { kind: "partial", start: 7, end: 9 }
 * resolveRange("bytes=10-", 10); // { kind: "unsatisfiable" }
 * resolveRange("bytes=0-1,4-5", 10); // { kind: "whole" }
 * ```
 */
export function resolveRange(header: string | null | undefined, size: number): RangeAnswer {
  if (header === null || header === undefined) return { kind: "whole" };
  const equals = header.indexOf("=");
  if (equals < 0) return { kind: "whole" };
  if (header.slice(0, equals).trim().toLowerCase() !== "bytes") return { kind: "whole" };
  const specs = header.slice(equals + 1).split(",").map((spec) => spec.trim())
    .filter((spec) => spec !== "");
  if (specs.length !== 1) return { kind: "whole" };
  const spec = specs[0];
  const suffix = SUFFIX_RANGE.exec(spec);
  if (suffix) {
    const length = Number(suffix[1]);
    if (length === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - length), end: size - 1 };
  }
  const range = INT_RANGE.exec(spec);
  if (!range) return { kind: "whole" };
  const start = Number(range[1]);
  const last = range[2] === "" ? Infinity : Number(range[2]);
  if (last < start || start >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", start, end: Math.min(last, size - 1) };
}

/**
 * The `Content-Range` header of an answer (`bytes start-end/size`, or `bytes *\/size`).
 *
 * @example
 * ```ts
 * import { contentRange, resolveRange } from "./_range.ts";
 * contentRange(resolveRange("bytes=-3", 10), 10); // "bytes 7-9/10"
 * ```
 */
export function contentRange(answer: RangeAnswer, size: number): string | undefined {
  if (answer.kind === "partial") return `bytes ${answer.start}-${answer.end}/${size}`;
  if (answer.kind === "unsatisfiable") return `bytes */${size}`;
  return undefined;
}
