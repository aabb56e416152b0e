/**
 * Every function, class and constant `mod.ts` exports has a JSDoc `@example` (the project's
 * style rule), and the examples type-check against the module as it is: `deno doc --json`
 * gives each export's JSDoc and where it is declared, and `deno check --doc` compiles every
 * fenced example of those files that is not marked `ignore`.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { deno, ROOT } from "./_deno_cli.ts";

/** Kinds of declaration that need an example (types and interfaces document themselves). */
const NEED_EXAMPLE = new Set(["function", "class", "variable"]);

/**
 * Exports excused from having an example (none today). The test fails for an entry that has
 * gained one, so the list cannot go stale.
 */
const ALLOWED_WITHOUT_EXAMPLE: ReadonlySet<string> = new Set<string>([]);
/** The one file the allow-list may excuse. */
const ALLOWED_FILE = "lib/client/errors.ts";

interface DocTag {
  kind: string;
  doc?: string;
}
interface DocDeclaration {
  kind: string;
  location: { filename: string; line: number };
  jsDoc?: { doc?: string; tags?: DocTag[] };
}
interface DocSymbol {
  name: string;
  declarations: DocDeclaration[];
}

/** An export whose declarations need an example. */
interface Export {
  name: string;
  /** Path of the declaring file, relative to the repository. */
  file: string;
  line: number;
  /** The `@example` tags of its declarations of a kind that needs one. */
  examples: string[];
}

function relativePath(specifier: string): string {
  const path = specifier.startsWith("file:") ? fileURLToPath(specifier) : specifier;
  return path.startsWith(ROOT + "/") ? path.slice(ROOT.length + 1) : path;
}

let exportsOnce: Promise<Export[]> | undefined;

/** The exports of mod.ts that need an example, from `deno doc --json` (run once). */
function publicExports(): Promise<Export[]> {
  return exportsOnce ??= (async () => {
    const { code, stdout, output } = await deno(["doc", "--json", "mod.ts"]);
    assert.equal(code, 0, output.slice(-4000));
    const parsed = JSON.parse(stdout) as {
      nodes?: Record<string, { symbols?: DocSymbol[] }>;
    };
    // deno doc's JSON format 2: one node per entry point, its exported symbols.
    const node = Object.entries(parsed.nodes ?? {}).find(([specifier]) =>
      relativePath(specifier) === "mod.ts"
    )?.[1];
    assert.ok(node?.symbols, "deno doc --json gave no symbols for mod.ts (format changed?)");
    const found: Export[] = [];
    for (const symbol of node.symbols) {
      const needing = symbol.declarations.filter((d) => NEED_EXAMPLE.has(d.kind));
      if (needing.length === 0) continue;
      found.push({
        name: symbol.name,
        file: relativePath(needing[0].location.filename),
        line: needing[0].location.line,
        examples: needing.flatMap((d) =>
          (d.jsDoc?.tags ?? []).filter((tag) => tag.kind === "example").map((tag) => tag.doc ?? "")
        ),
      });
    }
    return found;
  })();
}

Deno.test("every exported function, class and constant has an @example with code", async () => {
  const all = await publicExports();
  // A sanity floor: the module exports well over a hundred of them; an empty list would mean
  // the JSON was misread, and the test below would pass for nothing.
  assert.ok(all.length > 100, `only ${all.length} exports read from deno doc --json`);
  const missing = all.filter((entry) =>
    !ALLOWED_WITHOUT_EXAMPLE.has(entry.name) &&
    !entry.examples.some((example) => /```(ts|typescript)\b/.test(example))
  );
  assert.deepEqual(
    missing.map((entry) => `${entry.name} (${entry.file}:${entry.line})`),
    [],
    "add an @example with a ```ts block to the JSDoc of each",
  );
});

Deno.test("the allow-list excuses only errors.ts exports that still lack an example", async () => {
  const byName = new Map((await publicExports()).map((entry) => [entry.name, entry]));
  for (const name of ALLOWED_WITHOUT_EXAMPLE) {
    const entry = byName.get(name);
    assert.ok(entry, `${name} is allow-listed but not exported: remove it from the list`);
    assert.equal(entry.file, ALLOWED_FILE, `${name} is declared in ${entry.file}`);
    assert.equal(
      entry.examples.length,
      0,
      `${name} has an example now: remove it from ALLOWED_WITHOUT_EXAMPLE`,
    );
  }
});

Deno.test("the examples type-check: deno check --doc on mod.ts and every declaring file", async () => {
  const files = [...new Set((await publicExports()).map((entry) => entry.file))].sort();
  assert.ok(files.length > 20, `only ${files.length} declaring files`);
  for (const file of files) {
    assert.ok(file.startsWith("lib/") && file.endsWith(".ts"), `unexpected declaring file ${file}`);
  }
  // `deno check --doc mod.ts` alone compiles only mod.ts's own JSDoc, not that of the files
  // it re-exports from: name them. (Its output is no proof of what was compiled: with a warm
  // cache it prints nothing; a type error in any example still fails it.)
  const { code, output } = await deno(["check", "--doc", "mod.ts", ...files]);
  assert.equal(code, 0, output.slice(-6000));
});
