import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { CommandFailedEvent, CommandSucceededEvent, MongoClient } from 'mongodb';
import type { ParleyMetrics } from './metrics';

/** Command names come from the driver or ioredis; anything not shaped like one is folded into `other`. */
const COMMAND_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/;
const commandLabel = (name: string) => (COMMAND_NAME.test(name) ? name.toLowerCase() : 'other');

/**
 * MongoDB command latency from the driver's command monitoring events (the client must be created with
 * `monitorCommands: true`, see db/mongo.ts). The driver measures each command from send to reply.
 * @returns a function that stops observing.
 */
export function observeMongoCommands(client: MongoClient, metrics: ParleyMetrics): () => void {
  const succeeded = (e: CommandSucceededEvent) =>
    metrics.mongo.commandDuration.observe({ command: commandLabel(e.commandName), outcome: 'ok' }, e.duration / 1000);
  const failed = (e: CommandFailedEvent) =>
    metrics.mongo.commandDuration.observe({ command: commandLabel(e.commandName), outcome: 'error' }, e.duration / 1000);
  client.on('commandSucceeded', succeeded);
  client.on('commandFailed', failed);
  return () => {
    client.off('commandSucceeded', succeeded);
    client.off('commandFailed', failed);
  };
}

type SendCommand = Redis['sendCommand'];
type RedisCommand = Parameters<SendCommand>[0];

/**
 * Redis command latency of one ioredis client, from the call to the reply (queueing behind earlier commands on the same
 * connection included: that is the latency callers see). ioredis has no per-client command hook: its diagnostics
 * channel is process-wide and does not say which client a command came from, so several servers in one process could
 * not tell their commands apart. `sendCommand` is wrapped on this instance instead; a command it sees again (the
 * offline queue resending it after a reconnect) is observed once.
 */
export function observeRedisCommands(client: Redis, name: string, metrics: ParleyMetrics): void {
  const send: SendCommand = client.sendCommand.bind(client);
  const seen = new WeakSet<RedisCommand>();
  client.sendCommand = ((command: RedisCommand, stream?: Parameters<SendCommand>[1]) => {
    if (!seen.has(command)) {
      seen.add(command);
      const startedAt = performance.now();
      const labels = { command: commandLabel(command.name), client: name };
      command.promise.then(
        () => metrics.redis.commandDuration.observe({ ...labels, outcome: 'ok' }, (performance.now() - startedAt) / 1000),
        () => metrics.redis.commandDuration.observe({ ...labels, outcome: 'error' }, (performance.now() - startedAt) / 1000),
      );
    }
    return send(command, stream);
  }) as SendCommand;
}
