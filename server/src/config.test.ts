import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

const valid = {
  LIVEKIT_API_KEY: 'key',
  LIVEKIT_API_SECRET: 's'.repeat(32),
  JWT_SECRET: 'j'.repeat(32),
};

describe('parseConfig', () => {
  it('when only the secrets are given, then every other key takes its documented default and the result is frozen', () => {
    const config = parseConfig(valid);
    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 8080,
      MONGODB_DB: 'parley',
      WEB_DIR: 'out/web',
      LIVEKIT_URL: 'http://127.0.0.1:7880',
    });
    expect(config.REDIS_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when the link preview test allowance is set outside NODE_ENV=test, then the config is refused', () => {
    expect(parseConfig(valid).UNFURL_ALLOW_TARGETS).toEqual([]);
    expect(
      parseConfig({ ...valid, NODE_ENV: 'test', UNFURL_ALLOW_TARGETS: '127.0.0.1:4000, 127.0.0.1:4001' }).UNFURL_ALLOW_TARGETS,
    ).toEqual(['127.0.0.1:4000', '127.0.0.1:4001']);
    for (const NODE_ENV of ['production', 'development'])
      expect(() => parseConfig({ ...valid, NODE_ENV, UNFURL_ALLOW_TARGETS: '127.0.0.1:4000' })).toThrow(
        /UNFURL_ALLOW_TARGETS: only for tests/,
      );
  });

  it('when several keys are wrong, then one error lists every problem with its key', () => {
    try {
      parseConfig({ PORT: 'abc', JWT_SECRET: 'short', LIVEKIT_URL: 'ws://x', LIVEKIT_PUBLIC_URL: 'http://x', REDIS_URL: 'http://x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const keys = (err as ConfigError).problems.map((p) => p.split(':')[0]).sort();
      expect(keys).toEqual([
        'JWT_SECRET',
        'LIVEKIT_API_KEY',
        'LIVEKIT_API_SECRET',
        'LIVEKIT_PUBLIC_URL',
        'LIVEKIT_URL',
        'PORT',
        'REDIS_URL',
      ]);
    }
  });

  it('when REDIS_URL is empty, then Redis is treated as not configured', () => {
    expect(parseConfig({ ...valid, REDIS_URL: '' }).REDIS_URL).toBeUndefined();
    expect(parseConfig({ ...valid, REDIS_URL: 'redis://127.0.0.1:6379' }).REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('when the voice cap and token lifetime are not set, then there is no cap and tokens live 60 s; out-of-range values are refused', () => {
    const config = parseConfig(valid);
    expect(config.VOICE_MAX_PARTICIPANTS).toBe(0);
    expect(config.VOICE_TOKEN_TTL_SECONDS).toBe(60);
    expect(parseConfig({ ...valid, VOICE_MAX_PARTICIPANTS: '25', VOICE_TOKEN_TTL_SECONDS: '120' })).toMatchObject({
      VOICE_MAX_PARTICIPANTS: 25,
      VOICE_TOKEN_TTL_SECONDS: 120,
    });
    expect(() => parseConfig({ ...valid, VOICE_TOKEN_TTL_SECONDS: '5' })).toThrow(/VOICE_TOKEN_TTL_SECONDS/);
    expect(() => parseConfig({ ...valid, VOICE_MAX_PARTICIPANTS: '-1' })).toThrow(/VOICE_MAX_PARTICIPANTS/);
  });

  it('when SERVER_WORKERS is above 1, then REDIS_URL is required; auto means one per core', () => {
    expect(parseConfig(valid).SERVER_WORKERS).toBe(1);
    expect(() => parseConfig({ ...valid, SERVER_WORKERS: '2' })).toThrow(/SERVER_WORKERS: more than one worker needs REDIS_URL/);
    const redis = { ...valid, REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(parseConfig({ ...redis, SERVER_WORKERS: '2' }).SERVER_WORKERS).toBe(2);
    expect(parseConfig({ ...redis, SERVER_WORKERS: 'auto' }).SERVER_WORKERS).toBe(Math.min(8, availableParallelism()));
    expect(() => parseConfig({ ...redis, SERVER_WORKERS: '0' })).toThrow(ConfigError);
  });
});
