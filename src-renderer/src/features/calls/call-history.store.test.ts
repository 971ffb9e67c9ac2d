import type { CallHistoryEntry } from '@shared/api/calls';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/http-client';
import { createCallHistoryStore, formatDuration, HISTORY_PAGE, outcomeLabel } from './call-history.store';

const user = (id: string) => ({ id, username: id, displayName: id.toUpperCase(), avatar: null });
const entry = (callId: string, over: Partial<CallHistoryEntry> = {}): CallHistoryEntry => ({
  callId,
  channelId: 'c_dm',
  caller: user('u_a'),
  participants: [user('u_a'), user('u_b')],
  direction: 'incoming',
  outcome: 'answered',
  startedAt: '2026-12-05T20:00:00.000Z',
  answeredAt: '2026-12-05T20:00:03.000Z',
  endedAt: '2026-12-05T20:01:03.000Z',
  durationMs: 60_000,
  unseen: false,
  ...over,
});

function setup() {
  const history = vi.fn(async (before?: string, _limit?: number) =>
    before ? { items: [entry('c2'), entry('c1')], nextCursor: null } : { items: [entry('c4'), entry('c3')], nextCursor: 'c3' },
  );
  const ackMissed = vi.fn(async () => undefined);
  const store = createCallHistoryStore({ api: () => ({ calls: { history, ackMissed } }) });
  return { store, history, ackMissed };
}

describe('call history store', () => {
  it('when loaded and paged, then the pages follow each other by cursor until the last', async () => {
    const { store, history } = setup();
    await store.getState().load();
    expect(history).toHaveBeenLastCalledWith(undefined, HISTORY_PAGE);
    await store.getState().loadMore();
    expect(history).toHaveBeenLastCalledWith('c3', HISTORY_PAGE);
    expect(store.getState().items.map((e) => e.callId)).toEqual(['c4', 'c3', 'c2', 'c1']);
    expect(store.getState().nextCursor).toBeNull();
    await store.getState().loadMore();
    expect(history).toHaveBeenCalledTimes(2);
  });

  it('when a call ends (CALL_HISTORY_ADD), then it goes on top of a loaded list, and is ignored before the first load', async () => {
    const { store } = setup();
    store.getState().receive(entry('c9'));
    expect(store.getState().items).toEqual([]);
    await store.getState().load();
    store.getState().receive(entry('c5'));
    expect(store.getState().items.map((e) => e.callId)).toEqual(['c5', 'c4', 'c3']);
  });

  it('when loading fails, then the error is kept for the view and nothing is lost', async () => {
    const { store, history } = setup();
    history.mockRejectedValueOnce(new ApiError('INTERNAL', 'boom', 500));
    await store.getState().load();
    expect(store.getState().error).toBeTruthy();
    expect(store.getState().loaded).toBe(false);
  });

  it('when reset during a load, then the late answer is dropped', async () => {
    const { store } = setup();
    const p = store.getState().load();
    store.getState().reset();
    await p;
    expect(store.getState().items).toEqual([]);
  });

  it('when Home shows the history and a reconnect resets the list, then it stays shown (and loads afresh)', async () => {
    const { store } = setup();
    store.getState().show();
    await store.getState().load();
    store.getState().reset();
    expect(store.getState()).toMatchObject({ open: true, items: [], loaded: false });
    store.getState().hide();
    expect(store.getState().open).toBe(false);
  });

  it('formats durations and outcomes from my side', () => {
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(outcomeLabel({ outcome: 'missed', direction: 'incoming' })).toBe('Missed call');
    expect(outcomeLabel({ outcome: 'missed', direction: 'outgoing' })).toBe('No answer');
    expect(outcomeLabel({ outcome: 'declined', direction: 'outgoing' })).toBe('Declined');
  });
});
