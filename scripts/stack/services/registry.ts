import { egressService } from './egress';
import { livekitService } from './livekit';
import { mongoService } from './mongo';
import { redisService } from './redis';
import type { StackService } from './service';

/**
 * The stack's services in start order (LiveKit needs Redis up first); `down` stops them in reverse.
 * To add one, write services/<name>.ts implementing StackService (see service.ts) and append it here.
 */
export const services: readonly StackService[] = [redisService, mongoService, livekitService, egressService];

export function findService(name: string): StackService {
  const service = services.find((candidate) => candidate.name === name);
  if (!service) throw new Error(`unknown stack service "${name}" (known: ${services.map((s) => s.name).join(', ')})`);
  return service;
}
