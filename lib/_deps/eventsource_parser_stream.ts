/**
 * Eventsource-parser: the client's SSE parsing.
 *
 * Each npm dependency is pinned in one file of `lib/_deps/`, by full `npm:` specifier, so that
 * the module resolves the same whether it is imported by path, by URL or from JSR — none of
 * which sees this repository's import map — and so that a module imports only the packages it
 * uses (the client never loads hono).
 * @module
 */
export { EventSourceParserStream } from "npm:eventsource-parser@4.1.3/stream";
