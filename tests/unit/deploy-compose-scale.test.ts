import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { isNode, parse, parseDocument, YAMLSeq } from 'yaml';

/**
 * docker-compose.scale.yml is applied over docker-compose.yml (`docker compose -f docker-compose.yml -f
 * docker-compose.scale.yml`). No Docker engine here either (see deploy-compose.test.ts), so these tests merge the two
 * the way Compose does for the keys the override uses, and check what the scaled layout depends on: the schema, no
 * two services publishing the same host port, every instance and node behind the load balancer, and one replica set
 * name everywhere.
 */

const root = resolve(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

/** Compose's `!reset` (drop what the base file set): a plain sequence to the YAML parser. */
const resetTag = { tag: '!reset', collection: 'seq' as const, nodeClass: YAMLSeq, default: false };

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
  deploy?: { replicas?: number };
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const baseText = read('docker-compose.yml');
const overrideText = read('docker-compose.scale.yml');
const base = parse(baseText) as Compose;
const overrideDoc = parseDocument(overrideText, { customTags: [resetTag] });
const override = overrideDoc.toJS() as Compose;

function isReset(service: string, key: string): boolean {
  const node = overrideDoc.getIn(['services', service, key], true);
  return isNode(node) && node.tag === '!reset';
}

/**
 * Compose's merge for the keys used here: mappings (environment, depends_on) merge by key, `ports`/`volumes`
 * append unless the override says `!reset`, everything else (command, healthcheck, deploy, image) is replaced.
 */
function merged(): Record<string, Service> {
  const out: Record<string, Service> = structuredClone(base.services);
  for (const [name, over] of Object.entries(override.services)) {
    const into = (out[name] ??= {});
    for (const [key, value] of Object.entries(over) as [keyof Service, unknown][]) {
      if (key === 'environment' || key === 'depends_on') {
        Object.assign(into, { [key]: { ...(into[key] ?? {}), ...(value as object) } });
      } else if ((key === 'ports' || key === 'volumes') && !isReset(name, key)) {
        Object.assign(into, { [key]: [...(into[key] ?? []), ...(value as string[])] });
      } else {
        Object.assign(into, { [key]: value });
      }
    }
  }
  return out;
}

const services = merged();

/** Published host ports of a `ports:` entry ("127.0.0.1:7880:7880", "50000-50100:50000-50100/udp") per protocol. */
function hostPorts(entry: string): string[] {
  const [mapping = '', protocol = 'tcp'] = entry.split('/');
  const parts = mapping.split(':');
  const host = parts.length === 3 ? parts[1] : parts.length === 2 ? parts[0] : undefined;
  if (host === undefined || host === '') return [];
  const [from, to = from] = host.split('-').map(Number);
  const out: string[] = [];
  for (let p = from ?? 0; p <= (to ?? 0); p++) out.push(`${p}/${protocol}`);
  return out;
}

function envExampleKeys(): Set<string> {
  const keys = new Set<string>();
  for (const line of read('.env.example').split('\n')) {
    const match = /^\s*#?\s*([A-Z][A-Z0-9_]*)=/.exec(line);
    if (match?.[1]) keys.add(match[1]);
  }
  return keys;
}

describe('docker-compose.scale.yml', () => {
  it('when validated against the Compose Specification schema, then the override has no errors', () => {
    const { $schema: _dialect, ...schema } = JSON.parse(read('tests/unit/deploy-compose-spec.schema.json')) as Record<string, unknown>;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(override), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('when both files are merged, then no two services publish the same host port', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const entry of service.ports ?? []) {
        for (const port of hostPorts(entry)) {
          const other = owner.get(port);
          if (other !== undefined && other !== name) clashes.push(`${port}: ${other} and ${name}`);
          owner.set(port, name);
        }
      }
    }
    expect(clashes).toEqual([]);
    // The check sees the base file's ports: without the override's resets, parley/livekit and the proxy would clash.
    expect(owner.get('8080/tcp')).toBe('proxy');
    expect(owner.get('7880/tcp')).toBe('proxy');
    expect(hostPorts('127.0.0.1:8080:8080')).toEqual(['8080/tcp']);
  });

  it('when the server runs as several replicas, then none publishes a port and the proxy balances over all of them', () => {
    const parley = services.parley ?? {};
    expect(parley.deploy?.replicas).toBeGreaterThan(1);
    expect(parley.ports).toEqual([]);
    expect(parley.environment?.REDIS_URL).toMatch(/^redis:\/\/redis:/);
    const caddy = read('scale/Caddyfile');
    expect(services.proxy?.volumes).toContain('./scale/Caddyfile:/etc/caddy/Caddyfile:ro');
    expect(caddy).toMatch(new RegExp(`dynamic a \\{\\s*name parley\\s*port ${parley.environment?.PORT}\\s`));
    expect(caddy).toMatch(/reverse_proxy livekit:7880 livekit-2:7880/);
    // The host proxy plus Caddy: the server must trust both for the client address.
    expect(parley.environment?.TRUST_PROXY).toBe('${TRUST_PROXY:-2}');
    expect(caddy).toMatch(/trusted_proxies static private_ranges/);
    for (const dep of ['parley', 'livekit', 'livekit-2']) expect(services.proxy?.depends_on?.[dep]?.condition).toBe('service_healthy');
  });

  it('when a second LiveKit node starts, then it shares the first one’s config, keys and Redis, on its own RTC and TURN ports', () => {
    const [one, two] = [services.livekit ?? {}, services['livekit-2'] ?? {}];
    expect(two.image).toBe(one.image);
    expect(two.volumes).toEqual(one.volumes);
    expect(two.environment?.LIVEKIT_KEYS).toBe(one.environment?.LIVEKIT_KEYS);
    const flag = (name: string) => two.command?.[(two.command?.indexOf(name) ?? -2) + 1];
    const published = (two.ports ?? []).flatMap(hostPorts);
    expect(published).toContain(`${flag('--rtc.tcp_port')}/tcp`);
    expect(published).toContain(`${flag('--rtc.port_range_start')}/udp`);
    expect(published).toContain(`${flag('--rtc.port_range_end')}/udp`);
    expect(published).toContain(`${flag('--turn.udp_port')}/udp`);
    expect(published).toContain(`${flag('--turn.relay_range_end')}/udp`);
    expect(two.depends_on?.redis?.condition).toBe('service_healthy');
  });

  it('when MongoDB becomes a replica set, then every member runs it, the initiation names every member and the server connects to all', () => {
    const members = Object.keys(services).filter((name) => /^mongo(-\d+)?$/.test(name));
    expect(members.length).toBe(3);
    for (const name of members) {
      const command = services[name]?.command ?? [];
      expect(command[command.indexOf('--replSet') + 1], name).toBe('rs0');
    }
    const init = (services.mongo?.healthcheck?.test ?? []).join(' ');
    expect(init).toContain("_id: 'rs0'");
    for (const name of members) expect(init).toContain(`host: '${name}:27017'`);
    // A seed list is not a WHATWG URL (several host:port pairs): split it by hand.
    const uri = /^mongodb:\/\/([^/]+)\/\?(.*)$/.exec(services.parley?.environment?.MONGODB_URI ?? '');
    expect(new URLSearchParams(uri?.[2]).get('replicaSet')).toBe('rs0');
    expect(uri?.[1]?.split(',').sort()).toEqual(members.map((m) => `${m}:27017`).sort());
    for (const name of members.filter((m) => m !== 'mongo')) {
      expect(services.mongo?.depends_on?.[name]?.condition).toBe('service_healthy');
      expect(Object.keys(override.volumes ?? {})).toContain(`${name}-data`);
    }
  });

  it('when the override reads a variable, then .env.example documents it, and every new image is pinned', () => {
    const documented = envExampleKeys();
    const used = [...overrideText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? '');
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !documented.has(name))).toEqual([]);
    for (const [name, service] of Object.entries(override.services)) {
      if (service.image !== undefined) expect(service.image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
  });
});
