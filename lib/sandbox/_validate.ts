/**
 * Checking a quote or submission in the sandbox: saved-file references are resolved, the
 * request is checked against the tool's public contract with the same checker the client
 * runs before sending (`lib/contract/check.ts`), then the tool's own checks run.
 * Every problem becomes a {@linkcode ValidationIssue} naming where it is.
 * @module
 */
import type { InputItem, QuoteRequest } from "../contract/jobs.ts";
import { checkJobRequest, resolveSettings } from "../contract/check.ts";
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
  const tool = findTool(body.tool);
  if (!tool) {
    return {
      tool,
      inputs: [],
      settings: {},
      issues: [{
        path: "tool",
        message: `Unknown tool "${body.tool}". Available tools: ${
          TOOLS.map((t) => t.definition.id).join(", ")
        }`,
      }],
    };
  }
  const issues: ValidationIssue[] = [];
  // Saved files become inline content, so the contract check sees their real size.
  const items: InputItem[] = [];
  body.input.inputs.forEach((item, index) => {
    if (item.source.type !== "file") {
      items.push(item);
      return;
    }
    const file = readFile(item.source.file_id);
    if (!file) {
      issues.push({
        path: `input.inputs[${index}].source.file_id`,
        message: `No saved file "${item.source.file_id}" in this workspace`,
      });
    }
    items.push({ ...item, content: file?.content ?? "", source: { type: "text" } });
  });
  const definition = { object: "tool" as const, ...tool.definition };
  issues.push(
    ...checkJobRequest(definition, { ...body, input: { inputs: items } }, { content: false }),
  );
  const slots = new Map(definition.input.slots.map((slot) => [slot.id, slot]));
  const inputs: ResolvedInput[] = items.flatMap((item, index) => {
    const slot = slots.get(item.slotId);
    return slot
      ? [{
        id: item.id,
        slotId: slot.id,
        kind: slot.kind,
        format: item.format.toLowerCase(),
        label: item.label,
        content: item.content ?? "",
        index,
      }]
      : [];
  });
  const settings = resolveSettings(definition.input.settings, body.settings ?? {});
  if (issues.length === 0) issues.push(...tool.validate(inputs, settings));
  return { tool, inputs, settings, issues };
}
