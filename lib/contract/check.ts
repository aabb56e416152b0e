/**
 * Checking a job request against a tool's public contract (`GET /api/v1/tools/{toolId}`)
 * before anything is sent: slot ids, kinds, formats, item counts per slot, duplicate item
 * ids, FASTA content, record and size limits, and settings (unknown ids, types, ranges,
 * options, required). Every problem is named with its path, so the error says what to fix.
 *
 * @example
 * ```ts
 * import { checkJobRequest } from "./check.ts";
 * import { connect } from "../../mod.ts";
 * const piq = await connect();
 * const tool = await piq.tools.get("protein-properties");
 * const issues = checkJobRequest(tool, {
 *   tool: "protein-properties",
 *   input: { inputs: [{ id: "a", slotId: "ligand", kind: "protein", format: "fasta",
 *     content: ">a\nMKT", source: { type: "text" } }] },
 *   settings: { ph: 20 },
 * });
 * // [{ path: "input.inputs[0].slotId", message: 'Tool "protein-properties" has no input slot "ligand"; …' }, …]
 * ```
 * @module
 */
import type { Issue } from "./issues.ts";
import { parseFasta } from "../bio/fasta.ts";
import type { InputSlot, QuoteRequest, SettingDefinition, ToolDetail } from "./_wire.ts";

/** What the checker knows about an item beyond the wire fields (e.g. a saved file's size). */
export interface ItemFacts {
  /** Size of the content in bytes, when the content is not inline. */
  sizeBytes?: number;
}

/** Options of {@linkcode checkJobRequest}. */
export interface CheckOptions {
  /** Facts about items whose content is not inline, by item id. */
  facts?: ReadonlyMap<string, ItemFacts>;
  /**
   * Also check inline content (FASTA parses, not empty, record and length limits). Default
   * `true`. The sandbox turns it off: its tools check content themselves, naming records.
   */
  content?: boolean;
}

/**
 * Every problem of `request` against `tool`'s contract; empty when it conforms.
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 * import { checkJobRequest } from "./check.ts";
 * const piq = await connect();
 * const tool = await piq.tools.get("protein-properties");
 * checkJobRequest(tool, { tool: tool.id, input: { inputs: [] }, settings: { ph: 15 } });
 * // [{ path: "input.inputs", message: 'slot "protein" … needs at least 1 input(s); got 0' },
 * //  { path: "settings.ph", message: '"ph" (pH) must be at most 14, not 15' }]
 * ```
 */
export function checkJobRequest(
  tool: ToolDetail,
  request: QuoteRequest,
  options: CheckOptions = {},
): Issue[] {
  const issues: Issue[] = [];
  if (request.tool !== tool.id) {
    issues.push({ path: "tool", message: `checked against "${tool.id}", not "${request.tool}"` });
  }
  const slots = new Map(tool.input.slots.map((slot) => [slot.id, slot]));
  const perSlot = new Map<string, number>();
  const ids = new Set<string>();
  let totalBytes = 0;
  let records = 0;
  const items = request.input?.inputs ?? [];
  items.forEach((item, index) => {
    const at = `input.inputs[${index}]`;
    if (ids.has(item.id)) {
      issues.push({ path: `${at}.id`, message: `duplicate input id "${item.id}"` });
    }
    ids.add(item.id);
    const slot = slots.get(item.slotId);
    if (!slot) {
      issues.push({
        path: `${at}.slotId`,
        message: `Tool "${tool.id}" has no input slot "${item.slotId}"; its slots are: ${
          [...slots.keys()].join(", ") || "(none)"
        }`,
      });
      return;
    }
    perSlot.set(slot.id, (perSlot.get(slot.id) ?? 0) + 1);
    issues.push(...itemIssues(slot, item, at));
    if (item.content !== undefined) {
      totalBytes += new TextEncoder().encode(item.content).byteLength;
      if (options.content === false) return;
      if (item.format.toLowerCase() === "fasta") {
        const parsed = parseFasta(item.content);
        records += parsed.records.length;
        for (const issue of parsed.issues) {
          if (issue.severity === "error") {
            issues.push({ path: `${at}.content`, message: issue.message });
          }
        }
        if (parsed.records.length === 0 && !parsed.issues.some((i) => i.severity === "error")) {
          issues.push({ path: `${at}.content`, message: "no sequences found" });
        }
        const longest = Math.max(0, ...parsed.records.map((record) => record.sequence.length));
        const maxLength = tool.limits.max_sequence_length;
        if (maxLength !== undefined && longest > maxLength) {
          issues.push({
            path: `${at}.content`,
            message:
              `a sequence has ${longest} residues; "${tool.id}" accepts at most ${maxLength}`,
          });
        }
      } else if (item.content.trim() === "") {
        issues.push({ path: `${at}.content`, message: "the content is empty" });
      }
    } else {
      totalBytes += options.facts?.get(item.id)?.sizeBytes ?? 0;
    }
  });
  for (const slot of tool.input.slots) {
    const count = perSlot.get(slot.id) ?? 0;
    const needed = slot.required ? Math.max(1, slot.min_items) : slot.min_items;
    if (count < needed && (slot.required || count > 0)) {
      issues.push({
        path: "input.inputs",
        message:
          `slot "${slot.id}" (${slot.label}) needs at least ${needed} input(s); got ${count}`,
      });
    }
    if (count > slot.max_items) {
      issues.push({
        path: "input.inputs",
        message: `slot "${slot.id}" takes at most ${slot.max_items} input(s); got ${count}`,
      });
    }
  }
  const limits = tool.limits;
  if (limits.max_items !== undefined && items.length > limits.max_items) {
    issues.push({
      path: "input.inputs",
      message: `${items.length} inputs; "${tool.id}" takes at most ${limits.max_items}`,
    });
  }
  if (limits.max_records !== undefined && records > limits.max_records) {
    issues.push({
      path: "input.inputs",
      message: `${records} FASTA records; "${tool.id}" takes at most ${limits.max_records}`,
    });
  }
  if (limits.max_input_bytes !== undefined && totalBytes > limits.max_input_bytes) {
    issues.push({
      path: "input.inputs",
      message:
        `the input is ${totalBytes} bytes; "${tool.id}" takes at most ${limits.max_input_bytes}`,
    });
  }
  issues.push(...settingsIssues(tool.input.settings, request.settings ?? {}));
  return issues;
}

/**
 * Problems of one item against its slot: kind and format.
 *
 * @example
 * ```ts
 * import { itemIssues } from "./check.ts";
 * const slot = { id: "protein", label: "Protein", kind: "protein", formats: ["fasta"],
 *   required: true, min_items: 1, max_items: 1 };
 * itemIssues(slot, { kind: "protein", format: "pdb" }, "input.inputs[0]");
 * // [{ path: "input.inputs[0].format", message: 'slot "protein" accepts fasta, not "pdb"' }]
 * ```
 */
export function itemIssues(
  slot: InputSlot,
  item: { kind: string; format: string },
  at: string,
): Issue[] {
  const issues: Issue[] = [];
  if (item.kind.toLowerCase() !== slot.kind.toLowerCase()) {
    issues.push({
      path: `${at}.kind`,
      message: `slot "${slot.id}" takes kind "${slot.kind}", not "${item.kind}"`,
    });
  }
  if (!slot.formats.map((f) => f.toLowerCase()).includes(item.format.toLowerCase())) {
    issues.push({
      path: `${at}.format`,
      message: `slot "${slot.id}" accepts ${slot.formats.join(", ")}, not "${item.format}"`,
    });
  }
  return issues;
}

/**
 * The settings a run uses: the given values, with each missing one set to its default.
 *
 * @example
 * ```ts
 * import { resolveSettings } from "./check.ts";
 * resolveSettings([{ id: "ph", label: "pH", type: "number", description: "", default: 7 }], {});
 * // { ph: 7 }
 * ```
 */
export function resolveSettings(
  definitions: readonly SettingDefinition[],
  given: Readonly<Record<string, string | number | boolean | null>>,
): Record<string, string | number | boolean | null> {
  return Object.fromEntries(
    definitions.map((definition) => [
      definition.id,
      Object.hasOwn(given, definition.id) ? given[definition.id] : definition.default,
    ]),
  );
}

/**
 * Problems of the settings: unknown ids, wrong types, out of range, not an option, missing.
 *
 * @example
 * ```ts
 * import { settingsIssues } from "./check.ts";
 * settingsIssues([{ id: "ph", label: "pH", type: "number", description: "", default: 7,
 *   minimum: 0, maximum: 14 }], { ph: "acidic" });
 * // [{ path: "settings.ph", message: '"ph" (pH) must be a number, not "acidic"' }]
 * ```
 */
export function settingsIssues(
  definitions: readonly SettingDefinition[],
  given: Readonly<Record<string, string | number | boolean | null>>,
): Issue[] {
  const issues: Issue[] = [];
  const known = new Map(definitions.map((definition) => [definition.id, definition]));
  for (const id of Object.keys(given)) {
    if (!known.has(id)) {
      issues.push({
        path: `settings.${id}`,
        message: `unknown setting "${id}"; this tool's settings are: ${
          [...known.keys()].join(", ") || "(none)"
        }`,
      });
    }
  }
  for (const definition of definitions) {
    const value = Object.hasOwn(given, definition.id) ? given[definition.id] : definition.default;
    const problem = settingProblem(definition, value);
    if (problem) issues.push({ path: `settings.${definition.id}`, message: problem });
  }
  return issues;
}

function settingProblem(
  definition: SettingDefinition,
  value: string | number | boolean | null | undefined,
): string | undefined {
  const name = `"${definition.id}" (${definition.label})`;
  if (value === null || value === undefined) {
    return definition.required ? `${name} is required` : undefined;
  }
  switch (definition.type) {
    case "integer":
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return `${name} must be a number, not ${JSON.stringify(value)}`;
      }
      if (definition.type === "integer" && !Number.isInteger(value)) {
        return `${name} must be a whole number, not ${value}`;
      }
      if (definition.minimum !== undefined && value < definition.minimum) {
        return `${name} must be at least ${definition.minimum}, not ${value}`;
      }
      if (definition.maximum !== undefined && value > definition.maximum) {
        return `${name} must be at most ${definition.maximum}, not ${value}`;
      }
      return undefined;
    }
    case "boolean":
      return typeof value === "boolean" ? undefined : `${name} must be true or false`;
    case "string":
      return typeof value === "string" ? undefined : `${name} must be text`;
    case "enum": {
      const allowed = (definition.options ?? []).map((option) => option.value);
      return allowed.includes(value as string | number)
        ? undefined
        : `${name} must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}, not ${
          JSON.stringify(value)
        }`;
    }
    default:
      return undefined;
  }
}
