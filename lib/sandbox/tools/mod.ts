/**
 * The sandbox's tool catalog: every tool module, registered once.
 * @module
 */
import type { SandboxTool } from "./_types.ts";
import { proteinProperties } from "./protein_properties.ts";

/** Every tool the sandbox offers, in catalog order. */
export const TOOLS: readonly SandboxTool[] = [proteinProperties];

const BY_ID = new Map(TOOLS.map((tool) => [tool.definition.id, tool]));

/** The tool with this id, if any. */
export function findTool(id: string): SandboxTool | undefined {
  return BY_ID.get(id);
}
