/**
 * Canonical JSON and hashing of request payloads: two requests that mean the same hash the
 * same, whatever their key order. The sandbox compares these hashes to tell an idempotent
 * replay from a conflicting reuse of a key; the client derives idempotency keys from them.
 *
 * @example
 * ```ts
 * import { canonicalJson, sha256Hex } from "./canonical.ts";
 * canonicalJson({ b: 1, a: { d: 2, c: 3 } }); // '{"a":{"c":3,"d":2},"b":1}'
 * sha256Hex(canonicalJson({ a: 1 })).length; // 64
 * ```
 * @module
 */
import { createHash } from "node:crypto";

/** JSON with object keys sorted at every depth (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, inner) =>
      inner && typeof inner === "object" && !Array.isArray(inner)
        ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a < b ? -1 : 1),
        )
        : inner,
  );
}

/** Hex SHA-256 of text or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
