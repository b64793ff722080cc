import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  url: string;
  close(): Promise<void>;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString('utf8');
}

/** The body's bytes as sent (a file upload is not text). */
export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** An HTTP server on 127.0.0.1 and a free port, for fakes of the platforms' APIs. */
export async function startLoopbackServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string, raw: Buffer) => void | Promise<void>,
): Promise<LoopbackServer> {
  const server: Server = createServer((req, res) => {
    readRawBody(req)
      .then(async (raw) => await handler(req, res, raw.toString('utf8'), raw))
      .catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
  });
  // As the bot's own server does: idle connections outlive the clients' (a test that blocks the event
  // loop, e.g. 500 synchronous inserts, must not find its next request reset by our 5 s default).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
