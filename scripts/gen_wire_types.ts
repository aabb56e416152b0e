/**
 * Writes `lib/contract/_wire.ts`: the TypeScript interfaces of the wire shapes, generated from
 * the zod schemas (zod's JSON Schema → `json-schema-to-typescript`).
 *
 * Why generated: JSR documents and type-checks a package without running TypeScript's
 * inference over zod ("slow types"), so a public type must not be `z.infer<typeof Schema>`.
 * Writing the interfaces by hand would copy every shape twice; generating them keeps the zod
 * schema the one source. `tests/wire_types_test.ts` fails when this file is stale and checks,
 * at type level, that each interface and its schema's inferred type accept each other.
 *
 * Run: `deno run -A scripts/gen_wire_types.ts` (or `--check` to only compare).
 * @module
 */
import { compile } from "json-schema-to-typescript";
import { z } from "../lib/_deps/zod.ts";
import { generatedWireTypes } from "./_wire_schemas.ts";

const OUTPUT = new URL("../lib/contract/_wire.ts", import.meta.url);

type JsonSchema = Record<string, unknown> & {
  $defs?: Record<string, JsonSchema>;
  id?: string;
  description?: string;
};

/** Replaces every `$ref` to a renamed definition. */
function renameRefs(node: unknown, renames: Map<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item) => renameRefs(item, renames));
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string") {
      const name = value.replace("#/$defs/", "");
      out[key] = `#/$defs/${renames.get(name) ?? name}`;
    } else {
      out[key] = renameRefs(value, renames);
    }
  }
  return out;
}

/**
 * A described reference (`field: Named.describe("…")`) becomes `tsType` with the description:
 * json-schema-to-typescript would otherwise declare a numbered copy of the referenced type
 * (`InputSource1`) just to carry the field's comment.
 */
function describedReferences(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(describedReferences);
  if (node === null || typeof node !== "object") return node;
  const entries = Object.entries(node);
  const record = node as Record<string, unknown>;
  if (
    entries.length === 2 && typeof record.$ref === "string" &&
    typeof record.description === "string"
  ) {
    return { tsType: record.$ref.replace("#/$defs/", ""), description: record.description };
  }
  return Object.fromEntries(entries.map(([key, value]) => [key, describedReferences(value)]));
}

const docCache = new Map<string, Promise<Map<string, string>>>();

/** The JSDoc text of each exported const of a source file, read with `deno doc --json`. */
function schemaDocs(source: string): Promise<Map<string, string>> {
  let docs = docCache.get(source);
  if (!docs) {
    docs = (async () => {
      const { stdout } = await new Deno.Command(Deno.execPath(), {
        args: ["doc", "--json", source],
        cwd: new URL("..", import.meta.url),
        stdout: "piped",
        stderr: "inherit",
      }).output();
      const parsed = JSON.parse(new TextDecoder().decode(stdout)) as {
        nodes: Record<string, { symbols?: DocSymbol[] }> | DocSymbol[];
      };
      const symbols = Array.isArray(parsed.nodes)
        ? parsed.nodes
        : Object.values(parsed.nodes).flatMap((node) => node.symbols ?? []);
      const found = new Map<string, string>();
      for (const symbol of symbols) {
        for (const declaration of symbol.declarations ?? [symbol]) {
          const doc = declaration.jsDoc?.doc?.trim();
          if (declaration.kind === "variable" && doc) found.set(symbol.name, doc);
        }
      }
      return found;
    })();
    docCache.set(source, docs);
  }
  return docs;
}

interface DocSymbol {
  name: string;
  kind?: string;
  jsDoc?: { doc?: string };
  declarations?: { kind?: string; jsDoc?: { doc?: string } }[];
}

/** The whole generated module's text (before `deno fmt`). */
export async function generate(): Promise<string> {
  const definitions = new Map<string, JsonSchema>();
  const renames = new Map<string, string>();
  const docs = new Map<string, string>();
  for (const entry of generatedWireTypes) {
    const id = z.globalRegistry.get(entry.schema)?.id;
    if (id && id !== entry.name) renames.set(id, entry.name);
    const own = (await schemaDocs(entry.source)).get(entry.name);
    docs.set(
      entry.name,
      `${own ?? `The wire shape \`${entry.name}\`.`}\n\n${
        entry.io === "input" ? "As sent" : "As received"
      }; generated from the zod schema \`${entry.name}\` in \`${entry.source}\`.`,
    );
  }
  for (const entry of generatedWireTypes) {
    const json = z.toJSONSchema(entry.schema, {
      io: entry.io,
      target: "draft-2020-12",
      unrepresentable: "any",
    }) as JsonSchema;
    const { $defs = {}, $schema: _schema, id: _id, ...body } = json;
    // A schema with an id comes back as a `$ref` to its own definition.
    const selfReference = Object.keys(body).length === 1 && typeof body.$ref === "string";
    const all: Record<string, JsonSchema> = selfReference
      ? { ...$defs }
      : { ...$defs, [entry.name]: body };
    for (const [rawName, schema] of Object.entries(all)) {
      const name = renames.get(rawName) ?? rawName;
      const renamed = describedReferences(renameRefs(schema, renames)) as JsonSchema;
      delete renamed.id;
      const seen = definitions.get(name);
      if (seen && JSON.stringify(seen) !== JSON.stringify(renamed)) {
        throw new Error(`Two different shapes are both named ${name}: give one another id`);
      }
      definitions.set(name, renamed);
    }
  }
  const root = {
    title: "WireRoot",
    type: "object",
    additionalProperties: false,
    // Every definition, so one reached only through a `tsType` is still declared.
    required: [...definitions.keys()],
    properties: Object.fromEntries(
      [...definitions.keys()].map((name) => [name, { $ref: `#/$defs/${name}` }]),
    ),
    $defs: Object.fromEntries(
      [...definitions].map((
        [name, schema],
      ) => [name, {
        ...schema,
        title: name,
        description: docs.get(name) ?? schema.description ??
          `\`${name}\`: a wire shape of the API, generated from its zod schema.`,
      }]),
    ),
  };
  const text = await compile(root as never, "WireRoot", {
    bannerComment: "",
    additionalProperties: false,
    declareExternallyReferenced: true,
    format: false,
    ignoreMinAndMaxItems: true,
    unknownAny: true,
    strictIndexSignatures: false,
  });
  const documented = text.replace(
    /^(\s*)\[k: string\]: unknown;?$/gm,
    "$1/** Fields beyond these: the schema lets a newer server add them. */\n$1[k: string]: unknown;",
  );
  const withoutRoot = documented.replace(
    /\/\*\*[^]*?\*\/\s*export interface WireRoot \{[^]*?\n\}\n/,
    "",
  )
    .replace(/export interface WireRoot \{[^]*?\n\}\n/, "");
  return await formatted(`/**
 * The wire shapes as TypeScript interfaces, generated from the zod schemas by
 * \`scripts/gen_wire_types.ts\`. Do not edit: change the schema and run the script.
 * @module
 */
${withoutRoot}`);
}

/** The text as \`deno fmt\` (with this repository's settings) writes it. */
async function formatted(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "ts", "-"],
    cwd: new URL("..", import.meta.url),
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { code, stdout } = await child.output();
  if (code !== 0) throw new Error("deno fmt could not format the generated types");
  return new TextDecoder().decode(stdout);
}

if (import.meta.main) {
  const text = await generate();
  const current = await Deno.readTextFile(OUTPUT).catch(() => "");
  if (Deno.args.includes("--check")) {
    if (current !== text) {
      console.error("lib/contract/_wire.ts is stale: run deno run -A scripts/gen_wire_types.ts");
      Deno.exit(1);
    }
  } else {
    await Deno.writeTextFile(OUTPUT, text);
    console.log(`wrote ${OUTPUT.pathname}`);
  }
}
