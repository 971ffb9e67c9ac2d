import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectGateway,
  guildWithMember,
  nextEvent,
  registerUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from './server-helpers';

/** Pins: MANAGE_MESSAGES only, listed newest first, flagged on messages, announced, audited, gone with the message. */
describe('pinned messages', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let guildId: string;
  let textId: string;

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'pnowner');
    member = await registerUser(t.api, 'pnmember');
    ({ guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Pins'));
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when a member without MANAGE_MESSAGES pins, then it is 403; a moderator pins, everyone is told, the list and the message say so, and the audit log has it', async () => {
    const first = (await t.api.post(`/channels/${textId}/messages`, { content: 'rules: be nice' }, member.token)).body.id as string;
    const second = (await t.api.post(`/channels/${textId}/messages`, { content: 'meeting at 10' }, owner.token)).body.id as string;
    expect((await t.api.put(`/channels/${textId}/pins/${first}`, undefined, member.token)).status).toBe(403);
    const socket = connectGateway(t.url, member.token);
    try {
      await nextEvent(socket, 'READY');
      const told = nextEvent(socket, 'CHANNEL_PINS_UPDATE', (e) => e.messageId === first);
      expect((await t.api.put(`/channels/${textId}/pins/${first}`, undefined, owner.token)).status).toBe(204);
      expect(await told).toEqual({ guildId, channelId: textId, messageId: first, pinned: true });
    } finally {
      socket.disconnect();
    }
    expect((await t.api.put(`/channels/${textId}/pins/${first}`, undefined, owner.token)).status).toBe(204);
    expect((await t.api.put(`/channels/${textId}/pins/${second}`, undefined, owner.token)).status).toBe(204);
    const pins = (await t.api.get(`/channels/${textId}/pins`, member.token)).body.items;
    expect(pins.map((m: { id: string }) => m.id)).toEqual([second, first]);
    expect(pins.every((m: { pinned: boolean }) => m.pinned)).toBe(true);
    expect((await t.api.get(`/channels/${textId}/messages/${first}`, member.token)).body.pinned).toBe(true);
    const audit = (await t.api.get(`/guilds/${guildId}/audit-log?action=message.pin`, owner.token)).body.items;
    expect(audit).toHaveLength(2);
    expect(audit.find((e: { targetId: string }) => e.targetId === member.id).details).toEqual({ channelId: textId, messageId: first });

    expect((await t.api.del(`/channels/${textId}/pins/${second}`, member.token)).status).toBe(403);
    expect((await t.api.del(`/channels/${textId}/pins/${second}`, owner.token)).status).toBe(204);
    expect((await t.api.get(`/channels/${textId}/messages/${second}`, member.token)).body.pinned).toBe(false);
    expect((await t.api.get(`/guilds/${guildId}/audit-log?action=message.unpin`, owner.token)).body.items).toHaveLength(1);

    expect((await t.api.del(`/channels/${textId}/messages/${first}`, owner.token)).status).toBe(204);
    expect((await t.api.get(`/channels/${textId}/pins`, member.token)).body.items).toEqual([]);
  });

  it('when someone outside the guild asks for the pins, then it is 404', async () => {
    const stranger = await registerUser(t.api, 'pnstranger');
    expect((await t.api.get(`/channels/${textId}/pins`, stranger.token)).status).toBe(404);
  });
});
