/**
 * Names derived from a batch: each item's `Idempotency-Key` (from the batch name, the item
 * key, the payload's hash and the attempt number) and the default manifest path.
 *
 * Because the key depends on nothing else, a process that died between submitting an item and
 * writing its job id to the manifest sends the very same key when the batch is run again, and
 * the API answers with the job it already made: no second job, no second charge.
 * @module
 */
import { canonicalJson, sha256Hex as sha256 } from "../contract/canonical.ts";
import { join } from "node:path";

/** Hex SHA-256 of a payload's canonical JSON. */
export function payloadHash(payload: unknown): string {
  return sha256(canonicalJson(payload));
}

/** A file-name-safe form of a batch name. */
export function slug(name: string): string {
  const cleaned = name.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return cleaned.slice(0, 60) || "batch";
}

/**
 * The `Idempotency-Key` of one item: readable prefix, then a hash of the batch name, the item
 * key, the payload hash and the attempt (a group retry of a failed item is a new attempt and
 * so a new job).
 *
 * @example
 * ```ts
 * import { idempotencyKeyFor, payloadHash } from "./_keys.ts";
 * const key = idempotencyKeyFor("screen", { key: "seq1", payloadSha256: payloadHash({ a: 1 }), attempt: 1 });
 * console.log(key.startsWith("batch-screen-")); // true
 * ```
 */
export function idempotencyKeyFor(
  batchName: string,
  item: { key: string; payloadSha256: string; attempt: number },
): string {
  const digest = sha256(
    [batchName, item.key, item.payloadSha256, String(item.attempt)].join("\u0000"),
  );
  return `batch-${slug(batchName).slice(0, 40)}-${digest.slice(0, 40)}`;
}

/**
 * The default manifest: `.proteiniq-batches/<name>.json` in the working directory (the
 * notebook's folder).
 *
 * @example
 * ```ts
 * import { batchManifestPath } from "../../mod.ts";
 *
 * batchManifestPath("Screen 2024/06"); // "<working dir>/.proteiniq-batches/screen-2024-06.json"
 * // To start that batch over, delete its manifest:
 * await Deno.remove(batchManifestPath("Screen 2024/06")).catch(() => {});
 * ```
 */
export function defaultManifestPath(batchName: string): string {
  return join(Deno.cwd(), ".proteiniq-batches", `${slug(batchName)}.json`);
}
