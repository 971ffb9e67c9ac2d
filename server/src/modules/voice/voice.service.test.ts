import { beforeEach, describe, expect, it } from 'vitest';
import { Permission } from '@shared/permissions/permissions';
import { voiceRoomName } from '@shared/api/voice';
import type { VoiceMoveEvent } from '@shared/api/voice';
import { codeOf } from '../../errors.testing';
import { trackSourceName, type LiveParticipant } from '../../livekit/room-service';
import { voiceParticipantPermission, type VoiceMediaRights } from '../../livekit/tokens';
import type { VoiceWebhookFact } from '../../livekit/webhooks';
import { createMemoryVoiceRepo } from './voice.fakes';
import { CHANNEL_A, CHANNEL_B, GUILD, OTHER, USER, defineVoiceStateRules, fact, setupVoice } from './voice.rules';

defineVoiceStateRules('in-memory repo', async () => createMemoryVoiceRepo());

const MOD = '6a0000000000000000000300';
const MEMBER = Permission.VIEW_CHANNEL | Permission.CONNECT | Permission.SPEAK;
/** The rights of a MEMBER (SPEAK, no VIDEO / STREAM). */
const mic = (microphone: boolean, canSubscribe: boolean) => ({ microphone, camera: false, screenShare: false, canSubscribe });
const MODERATOR = MEMBER | Permission.MUTE_MEMBERS | Permission.DEAFEN_MEMBERS | Permission.MOVE_MEMBERS;

describe('voice service', () => {
  let v: ReturnType<typeof setupVoice>;
  beforeEach(() => {
    v = setupVoice(createMemoryVoiceRepo());
    for (const user of [USER, OTHER]) {
      v.access.guildPerms.set(`${user}:${GUILD}`, MEMBER);
      v.access.channelPerms.set(`${user}:${CHANNEL_A}`, MEMBER);
      v.access.channelPerms.set(`${user}:${CHANNEL_B}`, MEMBER);
    }
    v.access.guildPerms.set(`${MOD}:${GUILD}`, MODERATOR);
    v.access.channelPerms.set(`${MOD}:${CHANNEL_A}`, MODERATOR);
    v.access.channelPerms.set(`${MOD}:${CHANNEL_B}`, MODERATOR);
  });

  describe('join', () => {
    it("when a member with CONNECT and SPEAK joins, then they get a token for that channel's room that may publish", async () => {
      const res = await v.service.join(USER, CHANNEL_A, {});
      expect(res).toEqual(
        expect.objectContaining({ url: 'ws://livekit.test', room: voiceRoomName(CHANNEL_A), channelId: CHANNEL_A, guildId: GUILD }),
      );
      expect(v.tokens.issued).toEqual([{ userId: USER, room: voiceRoomName(CHANNEL_A), rights: mic(true, true) }]);
    });

    it('when a member without SPEAK joins, then the token cannot publish', async () => {
      v.access.channelPerms.set(`${USER}:${CHANNEL_A}`, Permission.VIEW_CHANNEL | Permission.CONNECT);
      await v.service.join(USER, CHANNEL_A, {});
      expect(v.tokens.issued[0]?.rights).toEqual(mic(false, true));
    });

    it('when a server-muted member joins, then the token cannot publish; server-deafened cannot subscribe either', async () => {
      await v.service.moderate(MOD, GUILD, USER, { serverMute: true });
      await v.service.join(USER, CHANNEL_A, {});
      await v.service.moderate(MOD, GUILD, USER, { serverMute: false, serverDeaf: true });
      await v.service.join(USER, CHANNEL_A, {});
      expect(v.tokens.issued.map((t) => t.rights)).toEqual([mic(false, true), mic(false, false)]);
    });

    it('when the channel is invisible to the user, then NOT_FOUND; without CONNECT, FORBIDDEN; text channel, WRONG_CHANNEL_TYPE', async () => {
      v.access.channelPerms.delete(`${USER}:${CHANNEL_A}`);
      expect(await codeOf(v.service.join(USER, CHANNEL_A, {}))).toBe('NOT_FOUND');
      v.access.channelPerms.set(`${USER}:${CHANNEL_B}`, Permission.VIEW_CHANNEL | Permission.SPEAK);
      expect(await codeOf(v.service.join(USER, CHANNEL_B, {}))).toBe('FORBIDDEN');
      v.access.channels.set(CHANNEL_B, { id: CHANNEL_B, guildId: GUILD, type: 'text', userLimit: 0 });
      v.access.channelPerms.set(`${USER}:${CHANNEL_B}`, MEMBER);
      expect(await codeOf(v.service.join(USER, CHANNEL_B, {}))).toBe('WRONG_CHANNEL_TYPE');
      expect(v.tokens.issued).toEqual([]);
    });

    it('when the channel is at its user limit, then CHANNEL_FULL, unless the joiner has MOVE_MEMBERS or is already inside', async () => {
      v.access.channels.set(CHANNEL_A, { id: CHANNEL_A, guildId: GUILD, type: 'voice', userLimit: 1 });
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, OTHER));
      expect(await codeOf(v.service.join(USER, CHANNEL_A, {}))).toBe('CHANNEL_FULL');
      await expect(v.service.join(OTHER, CHANNEL_A, {})).resolves.toBeDefined();
      await expect(v.service.join(MOD, CHANNEL_A, {})).resolves.toBeDefined();
    });

    it('when two members ask for the last place before either connects, then only the first gets a token; the second is told CHANNEL_FULL at once', async () => {
      v.access.channels.set(CHANNEL_A, { id: CHANNEL_A, guildId: GUILD, type: 'voice', userLimit: 1 });
      await v.service.join(USER, CHANNEL_A, {});
      expect(await codeOf(v.service.join(OTHER, CHANNEL_A, {}))).toBe('CHANNEL_FULL');
      expect(v.tokens.issued.map((t) => t.userId)).toEqual([USER]);
    });

    it('when twenty members ask for a limit-2 channel at the same moment, then exactly two get a token', async () => {
      v.access.channels.set(CHANNEL_A, { id: CHANNEL_A, guildId: GUILD, type: 'voice', userLimit: 2 });
      const users = Array.from({ length: 20 }, (_, i) => `6a00000000000000000010${String(i).padStart(2, '0')}`);
      for (const u of users) v.access.channelPerms.set(`${u}:${CHANNEL_A}`, MEMBER);
      const codes = await Promise.all(
        users.map((u) =>
          v.service.join(u, CHANNEL_A, {}).then(
            () => 'OK',
            (err: unknown) => (err as { code?: string }).code,
          ),
        ),
      );
      expect(codes.filter((c) => c === 'OK')).toHaveLength(2);
      expect(codes.filter((c) => c === 'CHANNEL_FULL')).toHaveLength(18);
    });

    it('when a moderator moves someone into a channel with a free seat, then the moved user takes it (the limit counts them)', async () => {
      v.access.channels.set(CHANNEL_A, { id: CHANNEL_A, guildId: GUILD, type: 'voice', userLimit: 1 });
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_B, 'PO_1', 1_500, OTHER));
      await v.service.moderate(MOD, GUILD, OTHER, { channelId: CHANNEL_A });
      expect(await codeOf(v.service.join(USER, CHANNEL_A, {}))).toBe('CHANNEL_FULL');
    });

    it('when a moderator moves someone into a full channel, or a member with MOVE_MEMBERS joins it, then they stay', async () => {
      v.access.channels.set(CHANNEL_A, { id: CHANNEL_A, guildId: GUILD, type: 'voice', userLimit: 1 });
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PU_1', 1_000, USER));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_B, 'PO_1', 1_500, OTHER));
      await v.service.moderate(MOD, GUILD, OTHER, { channelId: CHANNEL_A });
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PO_2', 2_000, OTHER));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PM_1', 3_000, MOD));
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_B), identity: OTHER }]);
      expect((await v.service.snapshotFor(MOD, [GUILD])).map((s) => s.userId).sort()).toEqual([MOD, OTHER, USER].sort());
    });

    it('when a user in channel A joins channel B, then they are removed from room A and listed nowhere until B connects', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      await v.service.join(USER, CHANNEL_B, {});
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
      expect(await v.service.snapshotFor(OTHER, [GUILD])).toEqual([]);
      expect(v.voiceEvents().at(-1)).toEqual(expect.objectContaining({ userId: USER, channelId: null, previousChannelId: CHANNEL_A }));
      // The room's own participant_left, arriving later, changes nothing.
      await v.service.applyWebhook(fact('participant_left', CHANNEL_A, 'PA_1', 1_000));
      expect(v.voiceEvents().filter((e) => e.channelId === null)).toHaveLength(1);
    });

    it('when a session starts in channel B while the user is still listed in A (a join that could not see A), then they are removed from room A', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_B, 'PB_1', 2_000));
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
      expect(await v.service.snapshotFor(OTHER, [GUILD])).toEqual([expect.objectContaining({ userId: USER, channelId: CHANNEL_B })]);
    });

    it('when joining with selfMute, then the state created by the webhook carries it', async () => {
      await v.service.join(USER, CHANNEL_A, { selfMute: true });
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      expect(await v.service.snapshotFor(OTHER, [GUILD])).toEqual([
        expect.objectContaining({ userId: USER, selfMute: true, selfDeaf: false }),
      ]);
    });
  });

  describe('visibility', () => {
    it('when a member cannot view a voice channel, then its voice states are absent from their snapshot', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      v.access.channelPerms.delete(`${OTHER}:${CHANNEL_A}`);
      expect(await v.service.snapshotFor(OTHER, [GUILD])).toEqual([]);
      expect(await v.service.snapshotFor(MOD, [GUILD])).toHaveLength(1);
    });

    it("when a non-member lists a guild's voice states, then NOT_FOUND", async () => {
      expect(await codeOf(v.service.listGuild('6a0000000000000000000999', GUILD))).toBe('NOT_FOUND');
    });
  });

  describe('moderation', () => {
    beforeEach(async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      v.rooms.participants.set(voiceRoomName(CHANNEL_A), [
        { sid: 'PA_1', identity: USER, joinedAtMs: 1_000, tracks: [], permission: null },
      ]);
    });

    it('when a moderator server-mutes a connected member, then LiveKit rights drop publish, the state says so, and it is audited', async () => {
      const state = await v.service.moderate(MOD, GUILD, USER, { serverMute: true });
      expect(state).toEqual({
        guildId: GUILD,
        userId: USER,
        serverMute: true,
        serverDeaf: false,
        serverVideoOff: false,
        serverStreamOff: false,
      });
      expect(v.rooms.rights).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER, rights: mic(false, true) }]);
      expect(v.voiceEvents().at(-1)).toEqual(expect.objectContaining({ userId: USER, serverMute: true }));
      expect(v.audit.entries.at(-1)).toEqual({ action: 'voice.mute', actorId: MOD, targetId: USER });
    });

    it('when a moderator server-deafens, then subscribe is revoked too; undeafen restores both', async () => {
      await v.service.moderate(MOD, GUILD, USER, { serverDeaf: true });
      await v.service.moderate(MOD, GUILD, USER, { serverDeaf: false });
      expect(v.rooms.rights.map((r) => r.rights)).toEqual([mic(false, false), mic(true, true)]);
      expect(v.audit.entries.slice(-2).map((e) => e.action)).toEqual(['voice.deafen', 'voice.undeafen']);
    });

    it("when a moderator stops a member's video and stream, then LiveKit drops those sources only, the flags persist, and each is audited", async () => {
      v.access.channelPerms.set(`${USER}:${CHANNEL_A}`, MEMBER | Permission.VIDEO | Permission.STREAM);
      const state = await v.service.moderate(MOD, GUILD, USER, { serverVideoOff: true, serverStreamOff: true });
      expect(state).toEqual({
        guildId: GUILD,
        userId: USER,
        serverMute: false,
        serverDeaf: false,
        serverVideoOff: true,
        serverStreamOff: true,
      });
      expect(v.rooms.rights.at(-1)?.rights).toEqual({ microphone: true, camera: false, screenShare: false, canSubscribe: true });
      expect(v.voiceEvents().at(-1)).toEqual(expect.objectContaining({ userId: USER, serverVideoOff: true, serverStreamOff: true }));
      expect(v.audit.entries.slice(-2).map((e) => e.action)).toEqual(['voice.video_off', 'voice.stream_off']);
      // A new token (reconnect) keeps them off; allowing the stream again gives back screen share only.
      await v.service.join(USER, CHANNEL_A, {});
      expect(v.tokens.issued.at(-1)?.rights).toEqual({ microphone: true, camera: false, screenShare: false, canSubscribe: true });
      await v.service.moderate(MOD, GUILD, USER, { serverStreamOff: false });
      expect(v.rooms.rights.at(-1)?.rights).toEqual({ microphone: true, camera: false, screenShare: true, canSubscribe: true });
      expect(v.audit.entries.at(-1)?.action).toBe('voice.stream_on');
    });

    it('when a member with DEAFEN_MEMBERS but not MUTE_MEMBERS stops a video, then FORBIDDEN and nothing changes', async () => {
      v.access.channelPerms.set(`${OTHER}:${CHANNEL_A}`, MEMBER | Permission.DEAFEN_MEMBERS);
      v.access.guildPerms.set(`${OTHER}:${GUILD}`, MEMBER | Permission.DEAFEN_MEMBERS);
      expect(await codeOf(v.service.moderate(OTHER, GUILD, USER, { serverVideoOff: true }))).toBe('FORBIDDEN');
      expect(await codeOf(v.service.moderate(OTHER, GUILD, USER, { serverDeaf: true, serverStreamOff: true }))).toBe('FORBIDDEN');
      expect(v.rooms.rights).toEqual([]);
      expect((await v.service.snapshotFor(OTHER, [GUILD]))[0]).toEqual(
        expect.objectContaining({ serverVideoOff: false, serverStreamOff: false }),
      );
    });

    it('when a member with VIDEO but without SPEAK has their stream stopped, then the live update does not grant the microphone', async () => {
      v.access.channelPerms.set(
        `${USER}:${CHANNEL_A}`,
        Permission.VIEW_CHANNEL | Permission.CONNECT | Permission.VIDEO | Permission.STREAM,
      );
      await v.service.moderate(MOD, GUILD, USER, { serverStreamOff: true });
      expect(v.rooms.rights.at(-1)?.rights).toEqual({ microphone: false, camera: true, screenShare: false, canSubscribe: true });
      // Connecting later with an older token: the flags are enforced with their real permissions, not a microphone.
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_2', 2_000));
      expect(v.rooms.rights.at(-1)?.rights).toEqual({ microphone: false, camera: true, screenShare: false, canSubscribe: true });
    });

    it('when a member without MUTE_MEMBERS tries to mute, then FORBIDDEN and nothing changes', async () => {
      expect(await codeOf(v.service.moderate(OTHER, GUILD, USER, { serverMute: true }))).toBe('FORBIDDEN');
      expect(v.rooms.rights).toEqual([]);
      expect((await v.service.snapshotFor(OTHER, [GUILD]))[0]?.serverMute).toBe(false);
    });

    it('when the actor is not in the guild, then NOT_FOUND', async () => {
      expect(await codeOf(v.service.moderate('6a0000000000000000000999', GUILD, USER, { serverMute: true }))).toBe('NOT_FOUND');
    });

    it('when a moderator moves a member, then the member gets VOICE_MOVE with a token for the new room and leaves the old one', async () => {
      await v.service.moderate(MOD, GUILD, USER, { channelId: CHANNEL_B });
      const move = v.events.sent.find((e) => e.event === 'VOICE_MOVE');
      expect(move?.to).toBe(`user:${USER}`);
      expect(move?.payload as VoiceMoveEvent).toEqual(
        expect.objectContaining({ room: voiceRoomName(CHANNEL_B), channelId: CHANNEL_B, fromChannelId: CHANNEL_A, movedBy: MOD }),
      );
      expect(v.tokens.issued.at(-1)).toEqual({
        userId: USER,
        room: voiceRoomName(CHANNEL_B),
        rights: mic(true, true),
      });
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
      expect(v.audit.entries.at(-1)).toEqual({ action: 'voice.move', actorId: MOD, targetId: USER });
    });

    it('when the member cannot connect to the target channel, then FORBIDDEN and they stay', async () => {
      v.access.channelPerms.set(`${USER}:${CHANNEL_B}`, Permission.VIEW_CHANNEL);
      expect(await codeOf(v.service.moderate(MOD, GUILD, USER, { channelId: CHANNEL_B }))).toBe('FORBIDDEN');
      expect(v.rooms.removed).toEqual([]);
    });

    it('when a moderator disconnects a member, then they are removed from the room, listed nowhere, and it is audited', async () => {
      await v.service.disconnect(MOD, GUILD, USER);
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
      expect(await v.service.snapshotFor(MOD, [GUILD])).toEqual([]);
      expect(v.audit.entries.at(-1)).toEqual({ action: 'voice.disconnect', actorId: MOD, targetId: USER });
    });

    it('when LiveKit does not answer, then a mute, a move and a disconnect fail with its error and nothing is written; bad input still gets its own answer', async () => {
      const down = new Error('LiveKit did not answer (timed out)');
      v.rooms.down = down;
      const sent = v.events.sent.length;
      const audited = v.audit.entries.length;
      await expect(v.service.moderate(MOD, GUILD, USER, { serverMute: true })).rejects.toBe(down);
      await expect(v.service.moderate(MOD, GUILD, USER, { channelId: CHANNEL_B })).rejects.toBe(down);
      await expect(v.service.disconnect(MOD, GUILD, USER)).rejects.toBe(down);
      expect(await v.repo.getModeration(GUILD, USER)).toEqual(expect.objectContaining({ serverMute: false }));
      expect(await v.repo.findByUser(USER)).toEqual(expect.objectContaining({ channelId: CHANNEL_A, participantSid: 'PA_1' }));
      expect(v.events.sent.length).toBe(sent);
      expect(v.audit.entries.length).toBe(audited);
      expect(v.tokens.issued).toEqual([]);
      // Permission checks come first: a member without MOVE_MEMBERS is told so, outage or not.
      expect(await codeOf(v.service.disconnect(OTHER, GUILD, USER))).toBe('FORBIDDEN');
      // Once LiveKit answers again, the same disconnect goes through.
      v.rooms.down = null;
      await v.service.disconnect(MOD, GUILD, USER);
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
    });

    it('when LiveKit stops answering between the check and the removal, then the disconnect still completes, and the reconciler removes the connection later', async () => {
      v.rooms.failRemovals = new Error('LiveKit did not answer (timed out)');
      await v.service.disconnect(MOD, GUILD, USER);
      // Ended, announced and audited: not a 503 with the session already gone.
      expect(await v.repo.findByUser(USER)).toEqual(expect.objectContaining({ channelId: null }));
      expect(await v.service.snapshotFor(MOD, [GUILD])).toEqual([]);
      expect(v.audit.entries.at(-1)).toEqual({ action: 'voice.disconnect', actorId: MOD, targetId: USER });
      expect(v.rooms.removed).toEqual([]);
      v.rooms.failRemovals = null;
      await v.reconciler.reconcileOnce();
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
    });

    it("when LiveKit does not answer, then the member's own leave and join elsewhere, and a kick, still complete (their client leaves; the reconciler evicts the kicked)", async () => {
      v.rooms.down = new Error('LiveKit did not answer (timed out)');
      await expect(v.service.join(USER, CHANNEL_B, {})).resolves.toEqual(expect.objectContaining({ channelId: CHANNEL_B }));
      expect(await v.repo.findByUser(USER)).toEqual(expect.objectContaining({ channelId: null }));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_B, 'PA_2', 2_000));
      await v.service.leave(USER);
      expect(await v.repo.findByUser(USER)).toEqual(expect.objectContaining({ channelId: null }));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_3', 3_000));
      await v.service.removeFromGuildVoice(GUILD, USER, MOD);
      expect(await v.repo.findByUser(USER)).toEqual(expect.objectContaining({ channelId: null }));
      expect(v.audit.entries.map((e) => e.action)).toEqual([
        'voice.join',
        'voice.leave',
        'voice.join',
        'voice.leave',
        'voice.join',
        'voice.disconnect',
      ]);
    });

    it('when a connection we ended is still in LiveKit (its removal failed), then the next reconcile pass removes it; a newer connection stays', async () => {
      v.rooms.down = new Error('LiveKit did not answer (timed out)');
      await v.service.leave(USER);
      v.rooms.down = null;
      expect(v.rooms.removed).toEqual([]);
      await v.reconciler.reconcileOnce();
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
      expect(await v.service.snapshotFor(MOD, [GUILD])).toEqual([]);

      // The user comes back under a new connection: that one is theirs now, admitted and left alone.
      v.rooms.participants.set(voiceRoomName(CHANNEL_A), [
        { sid: 'PA_2', identity: USER, joinedAtMs: 5_000, tracks: [], permission: null },
      ]);
      await v.reconciler.reconcileOnce();
      expect(v.rooms.removed).toHaveLength(1);
      expect(await v.repo.findByUser(USER)).toEqual(expect.objectContaining({ channelId: CHANNEL_A, participantSid: 'PA_2' }));
      // LiveKit listing the old connection while the new one holds the identity there: only the old sid is refused.
      expect(await v.rooms.removeConnection(voiceRoomName(CHANNEL_A), USER, 'PA_1')).toBe(false);
    });

    it('when the member is in a channel the moderator cannot see, then disconnect/move answer CONFLICT as if not connected', async () => {
      v.access.channelPerms.delete(`${MOD}:${CHANNEL_A}`);
      expect(await codeOf(v.service.disconnect(MOD, GUILD, USER))).toBe('CONFLICT');
      expect(await codeOf(v.service.moderate(MOD, GUILD, USER, { channelId: CHANNEL_B }))).toBe('CONFLICT');
      expect(v.rooms.removed).toEqual([]);
    });

    it('when a member without MOVE_MEMBERS disconnects someone, then FORBIDDEN', async () => {
      expect(await codeOf(v.service.disconnect(OTHER, GUILD, USER))).toBe('FORBIDDEN');
      expect(v.rooms.removed).toEqual([]);
    });

    it('when the target is server-muted before connecting with an older token, then the flags are enforced on join', async () => {
      await v.service.moderate(MOD, GUILD, OTHER, { serverMute: true });
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_7', 7_000, OTHER));
      expect(v.rooms.rights.at(-1)).toEqual({
        room: voiceRoomName(CHANNEL_A),
        identity: OTHER,
        rights: mic(false, true),
      });
    });
  });

  describe('rights in force (syncRights)', () => {
    const ROOM = voiceRoomName(CHANNEL_A);
    const granted = (rights: VoiceMediaRights): LiveParticipant['permission'] => {
      const p = voiceParticipantPermission(rights);
      return { canPublish: p.canPublish, canSubscribe: p.canSubscribe, canPublishSources: p.canPublishSources.map(trackSourceName) };
    };
    const SPEAKING = mic(true, true);
    const LISTENING = mic(false, true);
    const joinedWith = (grant: LiveParticipant['permission'], sid = 'PA_1', at = 1_000): VoiceWebhookFact => {
      const f = fact('participant_joined', CHANNEL_A, sid, at);
      return f.kind === 'ignored' ? f : { ...f, participant: { ...f.participant, granted: grant } };
    };
    beforeEach(() => {
      v.rooms.participants.set(ROOM, [{ sid: 'PA_1', identity: USER, joinedAtMs: 1_000, tracks: [], permission: granted(SPEAKING) }]);
    });

    it('when LiveKit grants what is in force, then nothing is updated; when it differs, LiveKit gets the rights in force', async () => {
      expect(await v.service.syncRights({ room: ROOM, identity: USER, channelId: CHANNEL_A, granted: granted(SPEAKING) })).toBe(false);
      expect(v.rooms.rights).toEqual([]);
      v.access.channelPerms.set(`${USER}:${CHANNEL_A}`, Permission.VIEW_CHANNEL | Permission.CONNECT);
      expect(await v.service.syncRights({ room: ROOM, identity: USER, channelId: CHANNEL_A, granted: granted(SPEAKING) })).toBe(true);
      expect(v.rooms.rights).toEqual([{ room: ROOM, identity: USER, rights: LISTENING }]);
    });

    it('when the grant is unknown, the identity is not a user, or the user cannot view the channel, then nothing is updated', async () => {
      v.access.channelPerms.set(`${USER}:${CHANNEL_A}`, Permission.VIEW_CHANNEL | Permission.CONNECT);
      expect(await v.service.syncRights({ room: ROOM, identity: USER, channelId: CHANNEL_A, granted: null })).toBe(false);
      expect(await v.service.syncRights({ room: ROOM, identity: 'EG_recorder', channelId: CHANNEL_A })).toBe(false);
      v.access.channelPerms.delete(`${USER}:${CHANNEL_A}`);
      expect(await v.service.syncRights({ room: ROOM, identity: USER, channelId: CHANNEL_A })).toBe(false);
      expect(v.rooms.rights).toEqual([]);
    });

    it('when the permissions change while LiveKit is being updated, then the newer rights are applied after, not lost', async () => {
      const apply = v.rooms.applyRights.bind(v.rooms);
      v.rooms.applyRights = async (room, identity, rights) => {
        // SPEAK comes back (a role given) between our read and LiveKit's answer.
        if (v.rooms.rights.length === 0) v.access.channelPerms.set(`${USER}:${CHANNEL_A}`, MEMBER);
        return apply(room, identity, rights);
      };
      v.access.channelPerms.set(`${USER}:${CHANNEL_A}`, Permission.VIEW_CHANNEL | Permission.CONNECT);
      expect(await v.service.syncRights({ room: ROOM, identity: USER, channelId: CHANNEL_A, granted: granted(SPEAKING) })).toBe(true);
      expect(v.rooms.rights.map((r) => r.rights)).toEqual([LISTENING, SPEAKING]);
    });

    it('when a session starts with a grant older than a permission change, then LiveKit gets the rights in force; with a current grant, nothing', async () => {
      await v.service.applyWebhook(joinedWith(granted(SPEAKING)));
      expect(v.rooms.rights).toEqual([]);
      // SPEAK taken after this token was issued, before it connected.
      v.access.channelPerms.set(`${USER}:${CHANNEL_A}`, Permission.VIEW_CHANNEL | Permission.CONNECT);
      v.rooms.participants.set(ROOM, [{ sid: 'PA_2', identity: USER, joinedAtMs: 2_000, tracks: [], permission: granted(SPEAKING) }]);
      await v.service.applyWebhook(joinedWith(granted(SPEAKING), 'PA_2', 2_000));
      expect(v.rooms.rights).toEqual([{ room: ROOM, identity: USER, rights: LISTENING }]);
    });

    it('when access goes after the session was admitted but before it was recorded, then it is evicted once recorded (an access pass missed it)', async () => {
      const start = v.repo.startSession.bind(v.repo);
      v.repo.startSession = async (input) => {
        // VIEW_CHANNEL taken by an overwrite whose access pass listed the guild's sessions before this write.
        v.access.channelPerms.delete(`${USER}:${CHANNEL_A}`);
        return start(input);
      };
      await v.service.applyWebhook(joinedWith(granted(SPEAKING)));
      expect(v.rooms.removed).toEqual([{ room: ROOM, identity: USER }]);
      expect(await v.repo.findByUser(USER)).toEqual(expect.objectContaining({ channelId: null, endedJoinedAtMs: 1_000 }));
      // A replay of the same connect does not bring it back.
      v.repo.startSession = start;
      v.access.channelPerms.set(`${USER}:${CHANNEL_A}`, MEMBER);
      await v.service.applyWebhook(joinedWith(granted(SPEAKING)));
      expect(await v.service.listGuild(USER, GUILD)).toEqual([]);
    });

    it("when SPEAK goes while a moderator's update reaches LiveKit, then LiveKit ends without the microphone", async () => {
      await v.service.applyWebhook(joinedWith(granted(SPEAKING)));
      const apply = v.rooms.applyRights.bind(v.rooms);
      v.rooms.applyRights = async (room, identity, rights) => {
        // The role change lands after the moderation read the permissions, before its update is answered.
        if (v.rooms.rights.length === 0) v.access.channelPerms.set(`${USER}:${CHANNEL_A}`, Permission.VIEW_CHANNEL | Permission.CONNECT);
        return apply(room, identity, rights);
      };
      await v.service.moderate(MOD, GUILD, USER, { serverVideoOff: true });
      expect(v.rooms.rights.map((r) => r.rights.microphone)).toEqual([true, false]);
    });
  });
});
