/**
 * Small helpers of the sandbox: ids, clocks, hashing.
 * @module
 */
import { customAlphabet } from "nanoid";
import { createHash } from "node:crypto";

const alphanumeric = customAlphabet(
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
  20,
);

/** A new opaque id such as `job_4fT…`. */
export function newId(prefix: string, length = 20): string {
  return `${prefix}_${alphanumeric(length)}`;
}

/** A random alphanumeric string. */
export function randomToken(length: number): string {
  return alphanumeric(length);
}

/** The current time as the API writes it. */
export function nowIso(now = Date.now()): string {
  return new Date(now).toISOString();
}

/** Hex SHA-256 of text or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** JSON with object keys sorted, so equal requests hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner) => {
    if (inner && typeof inner === "object" && !Array.isArray(inner)) {
      return Object.fromEntries(
        Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a < b ? -1 : 1),
      );
    }
    return inner;
  });
}
