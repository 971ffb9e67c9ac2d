import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guildWithMember, registerUser, startTestServer, type TestServer, type TestUser } from './server-helpers';

/** Edit history: every edit keeps what it replaced; only members with MANAGE_MESSAGES may read it. */
describe('message edit history', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let textId: string;

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'edowner');
    member = await registerUser(t.api, 'edmember');
    ({ textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Edits'));
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when a member edits twice, then a moderator reads both earlier versions newest first; the member cannot; deleting the message deletes them', async () => {
    const id = (await t.api.post(`/channels/${textId}/messages`, { content: 'first words' }, member.token)).body.id as string;
    expect((await t.api.patch(`/channels/${textId}/messages/${id}`, { content: 'second words' }, member.token)).status).toBe(200);
    expect((await t.api.patch(`/channels/${textId}/messages/${id}`, { content: 'final words' }, member.token)).status).toBe(200);
    const path = `/channels/${textId}/messages/${id}/edits`;
    const history = await t.api.get(path, owner.token);
    expect(history.status).toBe(200);
    expect(history.body.items.map((e: { content: string }) => e.content)).toEqual(['second words', 'first words']);
    expect(history.body.items[0].replacedAt >= history.body.items[1].replacedAt).toBe(true);
    expect((await t.api.get(path, member.token)).status).toBe(403);
    expect((await t.api.del(`/channels/${textId}/messages/${id}`, member.token)).status).toBe(204);
    expect(await t.server.database.db.collection('message_edits').countDocuments({ messageId: id })).toBe(0);
  });
});
