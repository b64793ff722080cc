import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';

type Json = Record<string, unknown>;

/**
 * Slack's Socket Mode end on loopback: says `hello` to each connection, sends envelopes and
 * collects the acks the bot sends back (DESIGN.md section 7).
 */
export async function startFakeSlackSocket() {
  const server = new WebSocket.Server({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const acks = new Map<string, Json>();
  const waiting = new Map<string, (ack: Json) => void>();
  let current: WebSocket | undefined;
  let connections = 0;
  let onConnection: (() => void) | undefined;
  server.on('connection', (socket) => {
    connections += 1;
    current = socket;
    socket.on('message', (data) => {
      const ack = JSON.parse(String(data)) as Json;
      const id = String(ack.envelope_id);
      acks.set(id, ack);
      waiting.get(id)?.(ack);
    });
    socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0AIMS' } }));
    onConnection?.();
  });
  return {
    url: `ws://127.0.0.1:${port}/link/?ticket=test`,
    connections: () => connections,
    /** Resolves once the bot has connected (at least `count` times in all). */
    connected: (count = 1) =>
      new Promise<void>((resolve) => {
        if (connections >= count) return resolve();
        onConnection = () => {
          if (connections >= count) resolve();
        };
      }),
    /** Sends an envelope and resolves with the bot's ack of it. */
    send(envelope: { envelope_id: string; type: string; payload: Json; accepts_response_payload?: boolean }): Promise<Json> {
      const acked = new Promise<Json>((resolve) => {
        const known = acks.get(envelope.envelope_id);
        if (known) resolve(known);
        else waiting.set(envelope.envelope_id, resolve);
      });
      current?.send(JSON.stringify(envelope));
      return acked;
    },
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
