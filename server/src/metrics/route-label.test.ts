import { describe, expect, it } from 'vitest';
import { gatewayEventLabel, methodLabel, routeLabel, statusLabel, UNMATCHED_ROUTE } from './route-label';

describe('route labels', () => {
  it('when an API route matched, then the label is its template under /api/v1, not the URL with its ids', () => {
    expect(routeLabel('/channels/:channelId/messages', '/api/v1/channels/6650c0ffee0000000000beef/messages?limit=50')).toBe(
      '/api/v1/channels/:channelId/messages',
    );
    expect(routeLabel('/livekit/webhook', '/api/v1/livekit/webhook')).toBe('/api/v1/livekit/webhook');
  });

  it('when no route matched, then ids and probes in the path never become a label', () => {
    expect(routeLabel(undefined, '/api/v1/guilds/6650c0ffee0000000000beef/nope')).toBe(UNMATCHED_ROUTE);
    expect(routeLabel(undefined, '/wp-login.php')).toBe(UNMATCHED_ROUTE);
    expect(routeLabel(undefined, '/api/v1/../../etc/passwd')).toBe(UNMATCHED_ROUTE);
    expect(routeLabel(undefined, '/healthz')).toBe(UNMATCHED_ROUTE);
  });

  it('when a fixed path or the web client is requested, then it is labelled by that path or /app/*', () => {
    expect(routeLabel(undefined, '/health')).toBe('/health');
    expect(routeLabel(undefined, '/metrics')).toBe('/metrics');
    expect(routeLabel(undefined, '/api/v1/openapi.json?x=1')).toBe('/api/v1/openapi.json');
    expect(routeLabel(undefined, '/app')).toBe('/app/*');
    expect(routeLabel(undefined, '/app/assets/index-3f2a9c.js')).toBe('/app/*');
    expect(routeLabel(undefined, '/application')).toBe(UNMATCHED_ROUTE);
  });

  it('when a client sends an odd method or event name, then it is folded into one label', () => {
    expect(methodLabel('get')).toBe('GET');
    expect(methodLabel('PROPFIND')).toBe('OTHER');
    expect(gatewayEventLabel('AUTH_REFRESH', new Set(['AUTH_REFRESH']))).toBe('AUTH_REFRESH');
    expect(gatewayEventLabel('x'.repeat(200), new Set(['AUTH_REFRESH']))).toBe('unknown');
  });

  it('when the client left before the response was sent, then the status is "aborted"', () => {
    expect(statusLabel(201, true)).toBe('201');
    expect(statusLabel(200, false)).toBe('aborted');
  });
});
