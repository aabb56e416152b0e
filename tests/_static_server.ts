/**
 * A plain static file server of a folder, as a raw Git host serves a repository: the module
 * imported by URL in tests and benches.
 * @module
 */
import { extname, join } from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".ts": "application/typescript",
  ".js": "text/javascript",
  ".json": "application/json",
};

/**
 * Serve `root` on a free loopback port. A first path segment `fresh-<anything>/` is dropped,
 * so a caller can make a URL prefix Deno has never fetched (a cold first import).
 */
export function serveFolder(root: string): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname).replace(/^\/fresh-[^/]+/, "");
    if (path.includes("..")) return new Response("not found", { status: 404 });
    try {
      const body = await Deno.readFile(join(root, path));
      const type = CONTENT_TYPES[extname(path)] ?? "application/octet-stream";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}
