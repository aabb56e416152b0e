/**
 * The API key format, `pq_live_<keyId>_<secret>`, shared by the client (which refuses a
 * malformed key before sending anything) and the sandbox (which mints and checks keys).
 *
 * @example
 * ```ts
 * import { parseApiKey } from "./keys.ts";
 * parseApiKey("pq_live_abc123_your_secret"); // { keyId: "abc123", secret: "your_secret", prefix: "pq_live_abc123" }
 * ```
 * @module
 */

const KEY_PATTERN = /^pq_live_([A-Za-z0-9]{3,64})_([A-Za-z0-9_-]{6,256})$/;

/** The parts of an API key. */
export interface ApiKeyParts {
  keyId: string;
  secret: string;
  /** The non-secret prefix shown in key metadata, `pq_live_<keyId>`. */
  prefix: string;
}

/**
 * Split a key into its parts, or return `null` when it is not of the documented form.
 *
 * @example
 * ```ts
 * import { parseApiKey } from "./keys.ts";
 * parseApiKey("not a key"); // null
 * ```
 */
export function parseApiKey(key: string): ApiKeyParts | null {
  const match = KEY_PATTERN.exec(key.trim());
  if (!match) return null;
  return { keyId: match[1], secret: match[2], prefix: `pq_live_${match[1]}` };
}
