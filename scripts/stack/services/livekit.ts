import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runningPid, startDaemon, stopDaemon } from '../daemon';
import { binaryVersion, buildLivekit, LIVEKIT_VERSION, livekitBinary } from '../go-tools';
import { repoRoot } from '../paths';
import type { StackContext } from '../profiles';
import { assertPortFree, which } from '../tools';
import type { Health, StackService } from './service';

export const livekitTemplate = join(repoRoot, 'livekit', 'livekit.local.yaml');

/** An installed `livekit-server` wins over our own build (the issue's order of preference). */
function binary(): string {
  return which('livekit-server') ?? livekitBinary;
}

/** Drops comment lines and fills ${NAME} placeholders; an unknown placeholder is an error rather than an empty value in the config. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .map((line) =>
      line.replace(/\$\{([A-Z0-9_]+)\}/g, (_match, key: string) => {
        const value = values[key];
        if (value === undefined) throw new Error(`livekit template: no value for \${${key}}`);
        return value;
      }),
    )
    .join('\n');
}

export function renderLivekitConfig(ctx: StackContext): string {
  const file = join(ctx.dirs.run, 'livekit.yaml');
  const text = renderTemplate(readFileSync(livekitTemplate, 'utf8'), {
    LIVEKIT_PORT: String(ctx.ports.livekit.port),
    LIVEKIT_RTC_TCP_PORT: String(ctx.ports.livekitRtcTcp.port),
    LIVEKIT_RTC_UDP_PORT: String(ctx.ports.livekitRtcUdp.port),
    REDIS_ADDRESS: `127.0.0.1:${ctx.ports.redis.port}`,
    LIVEKIT_API_KEY: ctx.secrets.LIVEKIT_API_KEY,
    LIVEKIT_API_SECRET: ctx.secrets.LIVEKIT_API_SECRET,
    WEBHOOK_URL: ctx.webhookUrl,
  });
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** LiveKit answers `GET /` with 200 "OK" once its signalling server is up. */
export async function livekitHealth(port: number, timeoutMs = 2_000): Promise<Health> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.text()).trim();
    return response.ok && body === 'OK'
      ? { healthy: true }
      : { healthy: false, reason: `GET / answered ${response.status} ${body.slice(0, 80)}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { healthy: false, reason: cause?.code === 'ECONNREFUSED' ? 'not running (connection refused)' : (error as Error).message };
  }
}

export const livekitService: StackService = {
  name: 'livekit',
  address: (ctx) => `http://127.0.0.1:${ctx.ports.livekit.port}`,
  describe(ctx) {
    const pid = runningPid(ctx, 'livekit');
    return `livekit-server ${LIVEKIT_VERSION}${pid ? `, pid ${pid}` : ''}`;
  },
  async install() {
    const onPath = which('livekit-server');
    if (onPath) {
      const version = await binaryVersion(onPath);
      if (!version.includes(LIVEKIT_VERSION)) console.warn(`[stack] livekit: using ${onPath} (${version}); Parley pins ${LIVEKIT_VERSION}`);
      return;
    }
    await buildLivekit();
  },
  async start(ctx) {
    if (runningPid(ctx, 'livekit') !== undefined) return false;
    await this.install(ctx);
    await assertPortFree('livekit', ctx.ports.livekit);
    await assertPortFree('livekit (RTC over TCP)', ctx.ports.livekitRtcTcp);
    await assertPortFree('livekit (RTC over UDP)', ctx.ports.livekitRtcUdp, 'udp');
    const config = renderLivekitConfig(ctx);
    await startDaemon(ctx, {
      name: 'livekit',
      command: binary(),
      args: ['--config', config],
      health: () => livekitHealth(ctx.ports.livekit.port, 1_000),
      startTimeoutMs: 30_000,
    });
    return true;
  },
  stop: (ctx) => stopDaemon(ctx, 'livekit'),
  health: (ctx) => livekitHealth(ctx.ports.livekit.port),
};
