import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { adapterClient } from './adapter-clients';

describe('adapterClient', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    unhandled.length = 0;
  });

  it('when Redis cannot take a publish the adapter never awaits, then nothing rejects unhandled, and an awaiting caller still sees the error', async () => {
    process.on('unhandledRejection', onUnhandled);
    // Port 1: nothing listens; without an offline queue every call fails at once, as while Redis is down.
    const redis = new Redis(1, '127.0.0.1', { enableOfflineQueue: false, lazyConnect: true });
    const client = adapterClient(redis, createLogger('silent'), 'test-pub');
    void client.publish('channel', 'fire and forget');
    void client.psubscribe('pattern*');
    await expect(client.publish('channel', 'awaited')).rejects.toThrow("Stream isn't writeable");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
    // Everything else is the client itself.
    expect(client.status).toBe(redis.status);
    redis.disconnect();
  });
});
