/**
 * Small helpers of the sandbox: ids, clocks, hashing.
 * @module
 */
import { customAlphabet } from "../_deps/nanoid.ts";

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

export { canonicalJson, sha256Hex } from "../contract/canonical.ts";
