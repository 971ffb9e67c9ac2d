import { describe, expect, it } from 'vitest';
import { blockedRuns } from './blocked-runs';

const msg = (id: string, author: string) => ({ id, author: { id: author } });

describe('blocked message runs', () => {
  it('when consecutive messages come from blocked users, then they form one run named by its first message', () => {
    const runs = blockedRuns([msg('1', 'a'), msg('2', 'x'), msg('3', 'y'), msg('4', 'a'), msg('5', 'x')], new Set(['x', 'y']));
    expect(runs.map((r) => (r ? `${r.key}:${r.start}:${r.count}` : '-'))).toEqual(['-', '2:1:2', '2:1:2', '-', '5:4:1']);
  });

  it('when a blocked user joined the server, then that notice stays and ends the run', () => {
    const runs = blockedRuns(
      [
        { ...msg('1', 'x'), type: 'member_join' },
        { ...msg('2', 'x'), type: 'default' },
      ],
      new Set(['x']),
    );
    expect(runs.map((r) => r?.key ?? '-')).toEqual(['-', '2']);
  });

  it('when nobody is blocked, then no message is in a run', () => {
    expect(blockedRuns([msg('1', 'a')], new Set())).toEqual([null]);
  });
});
