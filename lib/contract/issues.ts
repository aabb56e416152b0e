/**
 * Zod issues as readable `{path, message}` pairs such as `input.inputs[0].content`, used
 * by the sandbox's `validation_error` details and the client's pre-flight checks alike.
 *
 * @example
 * ```ts
 * import { z } from "../_deps/zod.ts";
 * import { issuesOf } from "./issues.ts";
 * const parsed = z.object({ a: z.number() }).safeParse({ a: "x" });
 * if (!parsed.success) issuesOf(parsed.error); // [{ path: "a", message: "…" }]
 * ```
 * @module
 */
import type { z } from "../_deps/zod.ts";

/** One problem and where it is. */
export interface Issue {
  /** Where the problem is, e.g. `"settings.ph"` or `"input.inputs[0].format"`. */
  path: string;
  /** What is wrong, in a sentence. */
  message: string;
}

/** Flatten a zod error, optionally under a path prefix (`query.`, `path.`). */
export function issuesOf(error: z.ZodError, prefix = ""): Issue[] {
  return error.issues.map((issue) => {
    let path = prefix;
    for (const part of issue.path) {
      path += typeof part === "number"
        ? `[${part}]`
        : `${path && !path.endsWith(".") ? "." : ""}${String(part)}`;
    }
    const message = issue.code === "unrecognized_keys"
      ? `unknown field(s): ${issue.keys.join(", ")}`
      : issue.message;
    return { path: path || "(body)", message };
  });
}
