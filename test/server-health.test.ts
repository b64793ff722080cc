import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp, type Health } from '../src/server.ts';

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

async function healthz(health: Health): Promise<{ status: number; body: string }> {
  const server = createHttpApp(health).listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: response.status, body: await response.text() };
}

const platforms: Health['platforms'] = { slack: 'http', teams: 'off' };

describe('/healthz', () => {
  it('names the store without its password', async () => {
    const result = await healthz({
      store: 'postgres://aims:s3cret@db.internal:5432/aims?sslmode=require&password=s3cret',
      databaseReachable: async () => true,
      platforms,
    });
    expect(result.status).toBe(200);
    expect(result.body).not.toContain('s3cret');
    expect(JSON.parse(result.body).database).toEqual({
      store: 'postgres://aims:***@db.internal:5432/aims?sslmode=require&password=***',
      reachable: true,
    });
  });

  it('says nothing of the store when it is not named', async () => {
    const result = await healthz({ databaseReachable: async () => false, platforms });
    expect(result.status).toBe(503);
    expect(JSON.parse(result.body).database).toEqual({ reachable: false });
  });
});
