/**
 * A tool's contract as a card: what it takes (slots, formats, limits), its settings with
 * defaults and ranges, what it returns, and what it costs.
 *
 * @example
 * ```ts
 * import { renderToolContract } from "./tool.ts";

 * type Contract = Parameters<typeof renderToolContract>[0];
 * ```
 * @module
 */
import { html } from "./_html.ts";
import { THEME } from "./_theme.ts";

import type { MimeBundle } from "./_jupyter.ts";
import type { ToolDetail } from "../contract/_wire.ts";

function range(setting: ToolDetail["input"]["settings"][number]): string {
  if (setting.options) return setting.options.map((o) => String(o.value)).join(" | ");
  const parts = [];
  if (setting.minimum !== undefined) parts.push(`≥ ${setting.minimum}`);
  if (setting.maximum !== undefined) parts.push(`≤ ${setting.maximum}`);
  return parts.join(", ");
}

/** The contract as text. */
export function toolText(tool: ToolDetail): string {
  const lines = [
    `${tool.name} (${tool.id}, v${tool.version}) — ${tool.description}`,
    "Inputs:",
    ...tool.input.slots.map((slot) =>
      `  ${slot.id}: ${slot.label} — kind ${slot.kind}, formats ${
        slot.formats.join("/")
      }, ${slot.min_items}–${slot.max_items} item(s)${slot.required ? "" : ", optional"}`
    ),
    "Settings:",
    ...(tool.input.settings.length === 0
      ? ["  (none)"]
      : tool.input.settings.map((s) =>
        `  ${s.id} (${s.type}, default ${JSON.stringify(s.default)}${
          range(s) ? `, ${range(s)}` : ""
        }): ${s.description}`
      )),
    `Output: ${tool.output.fields.map((f) => f.id).join(", ")}${
      tool.output.files.length ? `; files ${tool.output.files.map((f) => f.name).join(", ")}` : ""
    }`,
  ];
  return lines.join("\n");
}

/** The contract as an HTML card. */
export function toolHtml(tool: ToolDetail): string {
  const cell = "padding: 2px 8px 2px 0; vertical-align: top;";
  const muted = `color: ${THEME.muted};`;
  return html`
    <div
      style="font-family: ${THEME.font}; font-size: 13px; max-width: 720px; color: ${THEME
        .text}; border: 1px solid ${THEME.border}; border-radius: 6px; padding: 8px 10px;">
      <div><b>${tool.name}</b> <span style="${muted}">— ${tool.id} · v${tool.version} · ${tool
        .category}</span></div>
      <div style="margin: 2px 0 6px 0;">${tool.description}</div>
      <div style="font-weight: 600;">Inputs</div>
      <table style="border-collapse: collapse;">${tool.input.slots.map((slot) =>
        html`
          <tr>
            <td style="${cell}"><code>${slot.id}</code></td>
            <td style="${cell}">${slot.label}</td>
            <td
              style="${cell} ${muted}">${slot.kind} · ${slot.formats.join(", ")} · ${slot
                .min_items}–${slot.max_items} item(s)</td>
          </tr>
        `
      )}</table>
      <div style="font-weight: 600; margin-top: 6px;">Settings</div>
      <table style="border-collapse: collapse;">${tool.input.settings.map((s) =>
        html`
          <tr>
            <td style="${cell}"><code>${s.id}</code></td>
            <td style="${cell} ${muted}">${s.type} = ${JSON.stringify(s.default)} ${range(
              s,
            )}</td>
            <td style="${cell}">${s.description}</td>
          </tr>
        `
      )}</table>
      <div style="font-weight: 600; margin-top: 6px;">Output</div>
      <div>${tool.output.fields.map((f) => f.label).join(
        ", ",
      )}${tool.output.files.length
        ? html`; files: ${tool.output.files.map((f) => f.name).join(", ")}`
        : ""}</div>
    </div>
  `.value;
}

/** The contract bundle. */
export function renderToolContract(tool: ToolDetail): MimeBundle {
  return { "text/plain": toolText(tool), "text/html": toolHtml(tool) };
}
