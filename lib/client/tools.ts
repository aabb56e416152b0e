/**
 * The tools resource: `GET /api/v1/tools` and `GET /api/v1/tools/{toolId}`.
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 * const piq = await connect();
 * const catalog = await piq.tools.list();
 * const tool = await piq.tools.get(catalog[0].id);
 * console.log(tool.input.slots.map((slot) => slot.id));
 * ```
 * @module
 */
import { ROUTES } from "../contract/routes.ts";
import { ToolDetail as ToolDetailSchema, ToolList } from "../contract/tools.ts";
import type { HttpCore, RequestOptions } from "./_core.ts";
import { type Displayable, type MimeBundle, withDisplay } from "../display/_jupyter.ts";
import { renderTable } from "../display/table.ts";
import { renderToolContract } from "../display/tool.ts";
import type { ToolDetail, ToolSummary } from "../contract/_wire.ts";

/** A list of tools that shows as a table. */
export type ToolCatalog = ToolSummary[] & Displayable;

/** A tool's contract that shows as a card. */
export type Tool = ToolDetail & Displayable;

/**
 * Tools.
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 *
 * const piq = await connect();
 * const catalog = await piq.tools.list({ q: "structure" }); // a table in a notebook
 * const tool = await piq.tools.get("structure-analysis"); // a card: slots, settings, limits
 * console.log(catalog.map((entry) => entry.id), tool.input.settings.map((setting) => setting.id));
 * ```
 */
export class Tools {
  readonly #core: HttpCore;
  readonly #cache = new Map<string, Promise<ToolDetail>>();

  /** Over a core. */
  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** Every available tool (all pages), optionally filtered. */
  async list(
    options: RequestOptions & { q?: string; category?: string; tag?: string } = {},
  ): Promise<ToolCatalog> {
    const tools: ToolSummary[] = [];
    let cursor: string | undefined;
    do {
      const { data } = await this.#core.call(ROUTES.listTools, ToolList, {
        ...options,
        query: {
          limit: 100,
          starting_after: cursor,
          q: options.q,
          category: options.category,
          tag: options.tag,
        },
      });
      tools.push(...data.data);
      cursor = data.has_more && data.next_cursor ? data.next_cursor : undefined;
    } while (cursor);
    return withDisplay(tools, (): MimeBundle =>
      renderTable(
        tools.map((tool) => ({
          id: tool.id,
          name: tool.name,
          category: tool.category,
          credits: describeCredits(tool.credit_model),
          description: tool.description,
        })),
        { title: `${tools.length} tool${tools.length === 1 ? "" : "s"}`, maxRows: 200 },
      ));
  }

  /** One tool's full contract (cached for this client). */
  async get(toolId: string, options: RequestOptions = {}): Promise<Tool> {
    let pending = this.#cache.get(toolId);
    if (!pending) {
      pending = this.#core.call(ROUTES.getTool, ToolDetailSchema, {
        ...options,
        params: { toolId },
      })
        .then((response) => response.data);
      this.#cache.set(toolId, pending);
      pending.catch(() => this.#cache.delete(toolId));
    }
    const contract = structuredClone(await pending);
    return withDisplay(contract, () => renderToolContract(contract));
  }
}

/** A credit model in a few words. */
export function describeCredits(model: ToolSummary["credit_model"]): string {
  if (model.is_free || model.type === "free") return "free";
  if (typeof model.description === "string") return model.description;
  return model.type ?? "paid";
}
