import { describe, expect, it } from 'vitest';
import { acceptCommand, parentOrigin, parsePageInfo } from './embed-protocol';

const ALLOWED = ['https://host.example', 'http://localhost:5173'];

describe('the widget talks only to an allowed parent', () => {
  it('when ancestorOrigins names an allowed origin, then that is the target', () => {
    expect(parentOrigin(ALLOWED, ['http://localhost:5173'], 'https://other.example/page')).toBe('http://localhost:5173');
  });

  it('when the browser has no ancestorOrigins, then the referrer origin is used', () => {
    expect(parentOrigin(ALLOWED, null, 'https://host.example/some/page?x=1')).toBe('https://host.example');
  });

  it('when the parent is not in the list (or unknown), then nobody is the target (never "*")', () => {
    expect(parentOrigin(ALLOWED, ['https://evil.example'], 'https://host.example/')).toBeNull();
    expect(parentOrigin(ALLOWED, null, '')).toBeNull();
    expect(parentOrigin(ALLOWED, null, 'not a url')).toBeNull();
    expect(parentOrigin([], ['https://host.example'], '')).toBeNull();
  });
});

describe('commands from the host page', () => {
  const from = (origin: string, data: unknown, fromParent = true) => acceptCommand({ origin, data, fromParent }, ALLOWED);

  it('when an allowed parent sends join, leave or mute, then they are accepted', () => {
    expect(from('https://host.example', { type: 'parley:join' })).toEqual({ type: 'parley:join' });
    expect(from('https://host.example', { type: 'parley:leave' })).toEqual({ type: 'parley:leave' });
    expect(from('https://host.example', { type: 'parley:mute' })).toEqual({ type: 'parley:mute' });
    expect(from('https://host.example', { type: 'parley:mute', muted: false })).toEqual({ type: 'parley:mute', muted: false });
  });

  it('when the origin is not allowed, the sender is not the parent, or the message is not a command, then it is ignored', () => {
    expect(from('https://evil.example', { type: 'parley:join' })).toBeNull();
    expect(from('https://host.example', { type: 'parley:join' }, false)).toBeNull();
    expect(from('https://host.example', { type: 'parley:state' })).toBeNull();
    expect(from('https://host.example', 'parley:join')).toBeNull();
    expect(from('https://host.example', null)).toBeNull();
  });
});

describe('page info', () => {
  it('when the meta is missing or malformed, then no origins and no guests', () => {
    expect(parsePageInfo(null)).toEqual({ origins: [], guestAccess: 'off', channelName: null });
    expect(parsePageInfo('{oops')).toEqual({ origins: [], guestAccess: 'off', channelName: null });
    expect(parsePageInfo('{"origins":[1,"https://a.example"],"guestAccess":"all","channelName":2}')).toEqual({
      origins: ['https://a.example'],
      guestAccess: 'off',
      channelName: null,
    });
  });
});
