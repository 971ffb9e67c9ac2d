import type { PrivateChannel } from '@shared/api/private-channels';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import { channelLabel, createPrivateChannelsStore, sortedChannels } from './private-channels.store';

const id = (n: number) => String(n).padStart(24, '0');
const user = (n: number, name = `User ${n}`) => ({ id: id(n), username: `user${n}`, displayName: name, avatar: null });
const dm = (n: number, extra: Partial<PrivateChannel> = {}): PrivateChannel => ({
  id: id(100 + n),
  type: 'dm',
  name: null,
  ownerId: null,
  recipients: [user(n)],
  lastMessageId: null,
  createdAt: `2026-01-0${n}T00:00:00.000Z`,
  ...extra,
});

function harness(fail?: ApiError) {
  const calls: string[] = [];
  const maybeFail = () => {
    if (fail) throw fail;
  };
  const privateChannels = {
    list: async () => (calls.push('list'), maybeFail(), [dm(1)]),
    open: async (body: { recipientIds: string[]; name?: string }) => {
      calls.push(`open:${body.recipientIds.length}:${body.name ?? ''}`);
      maybeFail();
      return body.recipientIds.length === 1
        ? dm(Number.parseInt(body.recipientIds[0] ?? '0', 10))
        : dm(9, { type: 'group_dm', name: body.name ?? null, recipients: body.recipientIds.map((r) => user(Number.parseInt(r, 10))) });
    },
    rename: async (channelId: string, name: string | null) => (
      calls.push(`rename:${name}`),
      maybeFail(),
      { ...dm(9, { type: 'group_dm' }), id: channelId, name }
    ),
    addRecipient: async (channelId: string, userId: string) => (
      calls.push(`add:${userId}`),
      maybeFail(),
      { ...dm(9, { type: 'group_dm' }), id: channelId }
    ),
    removeRecipient: async (_c: string, userId: string) => (calls.push(`remove:${userId}`), maybeFail(), undefined),
    close: async (channelId: string) => (calls.push(`close:${channelId}`), maybeFail(), undefined),
  };
  const store = createPrivateChannelsStore({ api: () => ({ privateChannels }) as unknown as ParleyApi });
  return { store, calls };
}

describe('private channels store', () => {
  it('when channels have messages, then the list shows the newest activity first, and a new message moves its DM to the top', () => {
    const { store } = harness();
    store.getState().applyReady([dm(1, { lastMessageId: id(5) }), dm(2, { lastMessageId: id(7) }), dm(3)]);
    expect(sortedChannels(store.getState().byId).map((c) => c.id)).toEqual([id(102), id(101), id(103)]);
    store.getState().noteMessage(id(101), id(8));
    expect(sortedChannels(store.getState().byId)[0]?.id).toBe(id(101));
    // An older id (a late event) does not move it back.
    store.getState().noteMessage(id(101), id(6));
    expect(store.getState().byId[id(101)]?.lastMessageId).toBe(id(8));
  });

  it('when opening a DM with a friend, then it is listed and selected; with several, a named group is created', async () => {
    const { store, calls } = harness();
    store.getState().applyReady([]);
    const r = await store.getState().open([id(4)]);
    expect(r.ok).toBe(true);
    expect(store.getState().selectedId).toBe(id(104));
    await store.getState().open([id(4), id(5)], 'Trip');
    expect(calls).toEqual(['open:1:', 'open:2:Trip']);
    expect(channelLabel(store.getState().byId[id(109)] as PrivateChannel)).toBe('Trip');
  });

  it('when the server refuses a DM (privacy or a block), then nothing changes and the answer says why', async () => {
    const { store } = harness(new ApiError('FORBIDDEN', 'no', 403));
    store.getState().applyReady([]);
    const r = await store.getState().open([id(4)]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe('FORBIDDEN');
    expect(store.getState().byId).toEqual({});
    expect(store.getState().selectedId).toBeNull();
  });

  it('when the open DM is closed here or removed by an event, then it leaves the list and Home shows the friends page', async () => {
    const { store } = harness();
    store.getState().applyReady([dm(1), dm(2)]);
    store.getState().select(id(101));
    await store.getState().close(id(101));
    expect(store.getState().selectedId).toBeNull();
    store.getState().select(id(102));
    store.getState().receiveDelete(id(102));
    expect(store.getState().byId).toEqual({});
    expect(store.getState().selectedId).toBeNull();
  });

  it('when PRIVATE_CHANNEL_UPDATE renames a group, then the label follows; an unnamed group is called by its people', () => {
    const { store } = harness();
    const group = dm(3, { type: 'group_dm', recipients: [user(1, 'Ann'), user(2, 'Bea')] });
    store.getState().applyReady([group]);
    expect(channelLabel(store.getState().byId[group.id] as PrivateChannel)).toBe('Ann, Bea');
    store.getState().receive({ ...group, name: 'Crew' });
    expect(channelLabel(store.getState().byId[group.id] as PrivateChannel)).toBe('Crew');
  });

  it("when the group's owner removes someone, then they leave the group's people at once", async () => {
    const { store, calls } = harness();
    const group = dm(3, { type: 'group_dm', recipients: [user(1, 'Ann'), user(2, 'Bea')] });
    store.getState().applyReady([group]);
    expect((await store.getState().removeRecipient(group.id, id(2))).ok).toBe(true);
    expect(calls).toEqual([`remove:${id(2)}`]);
    expect(store.getState().byId[group.id]?.recipients.map((u) => u.displayName)).toEqual(['Ann']);
  });

  it('when READY has no private channels (an older server), then the list is asked for', async () => {
    const { store, calls } = harness();
    store.getState().applyReady(undefined);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual(['list']);
    expect(store.getState().loaded).toBe(true);
  });
});
