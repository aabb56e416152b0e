/**
 * Checking a quote or submission against the tool's public contract: slots, kinds, formats,
 * item counts, sizes, file references and settings — then the tool's own checks.
 * Every problem becomes a {@linkcode ValidationIssue} naming where it is.
 * @module
 */
import type { QuoteRequest } from "../contract/jobs.ts";
import type { SettingDefinition } from "../contract/tools.ts";
import type {
  ResolvedInput,
  ResolvedSettings,
  SandboxTool,
  ValidationIssue,
} from "./tools/_types.ts";
import { findTool, TOOLS } from "./tools/mod.ts";

/** A request checked against its tool. */
export interface CheckedRequest {
  tool: SandboxTool | undefined;
  inputs: ResolvedInput[];
  settings: ResolvedSettings;
  issues: ValidationIssue[];
}

/** Reads a saved file's text for `source.file_id`, or undefined when the workspace has none. */
export type FileReader = (fileId: string) => { content: string; format: string | null } | undefined;

/**
 * Check a parsed quote/submit body. Never throws for a client mistake: problems are issues.
 */
export function checkRequest(body: QuoteRequest, readFile: FileReader): CheckedRequest {
  const issues: ValidationIssue[] = [];
  const tool = findTool(body.tool);
  if (!tool) {
    issues.push({
      path: "tool",
      message: `Unknown tool "${body.tool}". Available tools: ${
        TOOLS.map((t) => t.definition.id).join(", ")
      }`,
    });
    return { tool, inputs: [], settings: {}, issues };
  }
  const definition = tool.definition;
  const slots = new Map(definition.input.slots.map((slot) => [slot.id, slot]));
  const inputs: ResolvedInput[] = [];
  const perSlot = new Map<string, number>();
  let totalBytes = 0;

  body.input.inputs.forEach((item, index) => {
    const at = `input.inputs[${index}]`;
    const slot = slots.get(item.slotId);
    if (!slot) {
      issues.push({
        path: `${at}.slotId`,
        message: `Tool "${definition.id}" has no input slot "${item.slotId}"; its slots are: ${
          [...slots.keys()].join(", ")
        }`,
      });
      return;
    }
    perSlot.set(slot.id, (perSlot.get(slot.id) ?? 0) + 1);
    if (item.kind.toLowerCase() !== slot.kind.toLowerCase()) {
      issues.push({
        path: `${at}.kind`,
        message: `Slot "${slot.id}" takes kind "${slot.kind}", not "${item.kind}"`,
      });
    }
    const format = item.format.toLowerCase();
    if (!slot.formats.includes(format)) {
      issues.push({
        path: `${at}.format`,
        message: `Slot "${slot.id}" accepts ${slot.formats.join(", ")}, not "${item.format}"`,
      });
    }
    let content = item.content;
    if (item.source.type === "file") {
      const file = readFile(item.source.file_id);
      if (!file) {
        issues.push({
          path: `${at}.source.file_id`,
          message: `No saved file "${item.source.file_id}" in this workspace`,
        });
        return;
      }
      content = file.content;
    }
    content ??= "";
    totalBytes += new TextEncoder().encode(content).length;
    inputs.push({
      id: item.id,
      slotId: slot.id,
      kind: slot.kind,
      format,
      label: item.label,
      content,
      index,
    });
  });

  const ids = new Set<string>();
  body.input.inputs.forEach((item, index) => {
    if (ids.has(item.id)) {
      issues.push({
        path: `input.inputs[${index}].id`,
        message: `Duplicate input id "${item.id}"`,
      });
    }
    ids.add(item.id);
  });

  for (const slot of definition.input.slots) {
    const count = perSlot.get(slot.id) ?? 0;
    if (slot.required && count < Math.max(1, slot.min_items)) {
      issues.push({
        path: "input.inputs",
        message: `Slot "${slot.id}" (${slot.label}) needs at least ${
          Math.max(1, slot.min_items)
        } input(s); got ${count}`,
      });
    }
    if (count > slot.max_items) {
      issues.push({
        path: "input.inputs",
        message: `Slot "${slot.id}" takes at most ${slot.max_items} input(s); got ${count}`,
      });
    }
  }
  const maxBytes = definition.limits.max_input_bytes;
  if (maxBytes !== undefined && totalBytes > maxBytes) {
    issues.push({
      path: "input.inputs",
      message: `Input is ${totalBytes} bytes; "${definition.id}" accepts at most ${maxBytes}`,
    });
  }

  const settings = resolveSettings(definition.input.settings, body.settings ?? {}, issues);
  if (issues.length === 0) issues.push(...tool.validate(inputs, settings));
  return { tool, inputs, settings, issues };
}

/** Apply defaults and check every given setting against its definition. */
function resolveSettings(
  definitions: readonly SettingDefinition[],
  given: Record<string, string | number | boolean | null>,
  issues: ValidationIssue[],
): ResolvedSettings {
  const known = new Map(definitions.map((d) => [d.id, d]));
  for (const id of Object.keys(given)) {
    if (!known.has(id)) {
      issues.push({
        path: `settings.${id}`,
        message: `Unknown setting "${id}"; this tool's settings are: ${
          [...known.keys()].join(", ") || "(none)"
        }`,
      });
    }
  }
  const resolved: ResolvedSettings = {};
  for (const definition of definitions) {
    const value = Object.hasOwn(given, definition.id) ? given[definition.id] : definition.default;
    const problem = settingProblem(definition, value);
    if (problem) issues.push({ path: `settings.${definition.id}`, message: problem });
    resolved[definition.id] = value;
  }
  return resolved;
}

function settingProblem(
  definition: SettingDefinition,
  value: string | number | boolean | null,
): string | undefined {
  const name = `"${definition.id}"`;
  if (value === null) return definition.required ? `${name} is required` : undefined;
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
  }
}
