/**
 * Zod-to-openapi: the sandbox's OpenAPI document, generated from the schemas.
 *
 * Each npm dependency is pinned in one file of `lib/_deps/`, by full `npm:` specifier, so that
 * the module resolves the same whether it is imported by path, by URL or from JSR — none of
 * which sees this repository's import map — and so that a module imports only the packages it
 * uses (the client never loads hono).
 * @module
 */
export { OpenApiGeneratorV31, OpenAPIRegistry } from "npm:@asteasolutions/zod-to-openapi@9.1.0";
