import { describe, expect, it, vi } from 'vitest';
import { createSecondInstanceHandler, parseDeepLink, parseLaunchArgs } from './launch-args';

describe('deep links', () => {
  it.each([
    ['parley://invite/AbC-123_x', { kind: 'invite', code: 'AbC-123_x' }],
    ['parley://invite/AbC123/', { kind: 'invite', code: 'AbC123' }],
    ['PARLEY://invite/abcd1234', { kind: 'invite', code: 'abcd1234' }],
  ])('parses %s', (url, expected) => {
    expect(parseDeepLink(url)).toEqual(expected);
  });

  it.each([
    'parley://invite/',
    'parley://invite/ab',
    'parley://invite/a/b',
    'parley://invite/..%2F..%2Fetc',
    'parley://invite/<script>',
    'parley://settings/abcd1234',
    'https://invite/abcd1234',
    'parley:invite/abcd1234',
    'nonsense',
  ])('rejects %s', (url) => {
    expect(parseDeepLink(url)).toBeNull();
  });
});

describe('launch arguments', () => {
  it('finds --ptt, --hidden and a deep link among Chromium switches', () => {
    expect(parseLaunchArgs(['/opt/Parley/parley', '--no-sandbox', '--ptt=DOWN'])).toEqual({ ptt: 'down', deepLink: null, hidden: false });
    expect(parseLaunchArgs(['parley.exe', '--hidden'])).toMatchObject({ hidden: true });
    expect(parseLaunchArgs(['parley.exe', '--allow-file-access-from-files', 'parley://invite/abcd1234'])).toMatchObject({
      deepLink: { code: 'abcd1234' },
    });
  });

  it('ignores unknown --ptt values', () => {
    expect(parseLaunchArgs(['parley', '--ptt=sideways']).ptt).toBeNull();
  });
});

describe('second instance', () => {
  function setup() {
    const deps = { onPtt: vi.fn(), onDeepLink: vi.fn(), showWindow: vi.fn() };
    return { deps, handle: createSecondInstanceHandler(deps) };
  }

  it('when launched with --ptt, then push-to-talk is driven and the window is NOT raised (the game keeps focus)', () => {
    const { deps, handle } = setup();
    handle(['parley', '--ptt=down']);
    handle(['parley', '--ptt=up']);
    expect(deps.onPtt.mock.calls).toEqual([['down'], ['up']]);
    expect(deps.showWindow).not.toHaveBeenCalled();
  });

  it('when launched with an invite link, then the window is shown and the invite routed to the renderer', () => {
    const { deps, handle } = setup();
    handle(['parley', 'parley://invite/abcd1234']);
    expect(deps.showWindow).toHaveBeenCalledOnce();
    expect(deps.onDeepLink).toHaveBeenCalledWith({ kind: 'invite', code: 'abcd1234' });
  });

  it('when launched plainly, then the running window is focused', () => {
    const { deps, handle } = setup();
    handle(['parley']);
    expect(deps.showWindow).toHaveBeenCalledOnce();
    expect(deps.onDeepLink).not.toHaveBeenCalled();
  });
});
