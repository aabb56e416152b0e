/**
 * The sandbox's optional front door: a byte-for-byte TCP relay in front of the HTTP server.
 *
 * It exists for one fault only — "the response is lost after the request committed". Deno's
 * HTTP server always writes the status line once a handler returns, so it cannot hang up
 * *before* answering. The relay can: each client connection gets its own upstream
 * connection, the HTTP server sees that upstream connection's local port as the request's
 * remote port, and {@linkcode FrontDoor.cut} closes both sides of the pair while the handler
 * still holds the response. The client then sees its connection closed with no bytes of the
 * response at all, exactly like a proxy or network failure after the server committed.
 *
 * The relay parses nothing; on a keep-alive connection the previous response was fully
 * delivered before the client sent the next request (HTTP/1.1 without pipelining), so a cut
 * only ever loses the response in flight.
 * @module
 */

interface Link {
  client: Deno.TcpConn;
  upstream: Deno.TcpConn;
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

/** A TCP relay from a public address to the sandbox's HTTP server. */
export class FrontDoor {
  readonly #listener: Deno.TcpListener;
  readonly #upstreamPort: number;
  /** Keyed by the upstream connection's local port, which the HTTP server sees as remote port. */
  readonly #links = new Map<number, Link>();
  readonly #unref: boolean;
  #closed = false;
  #accepting: Promise<void>;

  /** Listen on `hostname:port` and relay to `127.0.0.1:upstreamPort`. */
  constructor(
    options: { hostname: string; port: number; upstreamPort: number; unref?: boolean },
  ) {
    this.#listener = Deno.listen({
      hostname: options.hostname,
      port: options.port,
      transport: "tcp",
    });
    this.#upstreamPort = options.upstreamPort;
    this.#unref = options.unref ?? false;
    if (this.#unref) this.#listener.unref();
    this.#accepting = this.#accept();
  }

  /** The public address. */
  get addr(): Deno.NetAddr {
    return this.#listener.addr;
  }

  async #accept(): Promise<void> {
    try {
      for await (const client of this.#listener) {
        if (this.#closed) {
          closeQuietly(client);
          break;
        }
        this.#relay(client).catch(() => {});
      }
    } catch {
      // the listener was closed
    }
  }

  async #relay(client: Deno.TcpConn): Promise<void> {
    let upstream: Deno.TcpConn;
    try {
      upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#upstreamPort });
    } catch {
      closeQuietly(client);
      return;
    }
    if (this.#unref) {
      client.unref();
      upstream.unref();
    }
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const port = upstream.localAddr.port;
    this.#links.set(port, { client, upstream });
    try {
      await Promise.allSettled([
        client.readable.pipeTo(upstream.writable),
        upstream.readable.pipeTo(client.writable),
      ]);
    } finally {
      this.#links.delete(port);
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  /**
   * Hang up the client connection whose request arrived from upstream port `remotePort`.
   * Returns false when no such connection is open (the request did not come through here).
   */
  cut(remotePort: number): boolean {
    const link = this.#links.get(remotePort);
    if (!link) return false;
    this.#links.delete(remotePort);
    closeQuietly(link.client);
    closeQuietly(link.upstream);
    return true;
  }

  /** Stop accepting and close every open connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    for (const link of this.#links.values()) {
      closeQuietly(link.client);
      closeQuietly(link.upstream);
    }
    this.#links.clear();
    await this.#accepting;
  }
}
