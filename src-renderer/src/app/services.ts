import { useStore } from 'zustand';
import { connectGateway, type GatewayClient } from '../api/gateway-client';
import { createHttpClient } from '../api/http-client';
import { createParleyApi } from '../api/parley-api';
import { createAuthStore, type AuthActions, type AuthState } from '../features/auth/auth.store';
import { createChatStore, type ChatActions, type ChatState } from '../features/chat/chat.store';
import { mentionsMe as isForMe } from '../features/chat/mentions';
import { createGuildsStore, type GuildsActions, type GuildsState } from '../features/guilds/guilds.store';
import { createUnreadStore, type UnreadActions, type UnreadState } from '../features/guilds/unread.store';
import { createAccountStore, type AccountActions } from '../features/account/account.store';
import { createIdleTracker, type IdleTracker } from '../features/account/idle-tracker';
import { createAvatarActions } from '../features/account/avatar.store';
import { createMembersStore, type MembersActions, type MembersState } from '../features/members/members.store';
import { createSettingsStore, type Settings, type SettingsActions } from '../features/settings/settings.store';
import { createVoicePresenceStore, type VoicePresenceActions, type VoicePresenceState } from '../features/voice/voice-presence.store';
import { createVoiceStore, type VoiceActions, type VoiceState } from '../features/voice/voice.store';
import { createCallsStore, type CallsActions, type CallsState } from '../features/calls/calls.store';
import { setCallDmOpener } from '../features/calls/open-call-dm';
import { createCallHistoryStore, type CallHistoryActions, type CallHistoryState } from '../features/calls/call-history.store';
import { createRecordingsStore, type RecordingsActions, type RecordingsState } from '../features/recordings/recordings.store';
import type { GuildSnapshot, Message } from '../api/types';
import { platform } from '../platform/platform';
import { createUiStore, type UiState } from '../ui/ui.store';
import { createSearchStore, type SearchActions, type SearchState } from '../features/search/search.store';
import {
  createNotificationSettingsStore,
  type NotificationSettingsActions,
  type NotificationSettingsState,
} from '../features/notifications/notification-settings.store';
import { notificationText } from '../features/notifications/notification-text';
import { createRelationshipsStore, type RelationshipsActions, type RelationshipsState } from '../features/home/relationships.store';
import {
  channelLabel,
  createPrivateChannelsStore,
  type PrivateChannelsActions,
  type PrivateChannelsState,
} from '../features/home/private-channels.store';
import { shouldNotify } from '../features/notifications/should-notify';

/** The app's singletons: one store per feature, wired to the API, the gateway and the platform once, here. */
const p = platform();

const auth = createAuthStore({
  storage: p.storage,
  defaultServerUrl: p.defaultServerUrl(),
  makeApi: (serverUrl, tokens) => createParleyApi(createHttpClient(serverUrl, tokens)),
});

export const api = auth.api;
export const authStore = auth.store;
export const guildsStore = createGuildsStore({ api });
export const unreadStore = createUnreadStore({
  api: {
    ack: (channelId, messageId, manual) => api().readStates.ack(channelId, messageId, manual),
    ackGuild: (guildId) => api().readStates.ackGuild(guildId),
  },
  storage: p.storage,
  // A failed ack is retried by the next one (the next message read, the next visit); the marker stays local till then.
  onError: () => undefined,
});
export const voicePresenceStore = createVoicePresenceStore();
export const chatStore = createChatStore({ api, self: () => authStore.getState().user });
export const voiceStore = createVoiceStore();
export const settingsStore = createSettingsStore(p.storage);
export const uiStore = createUiStore();
export const membersStore = createMembersStore({ api });
export const accountStore = createAccountStore({ api, auth: auth.store });
export const avatarActions = createAvatarActions({ api, auth: auth.store });
export const recordingsStore = createRecordingsStore({ api });
export const searchStore = createSearchStore({ api });
export const notificationSettingsStore = createNotificationSettingsStore({ api: () => api().notificationSettings });
export const relationshipsStore = createRelationshipsStore({ api });
export const privateChannelsStore = createPrivateChannelsStore({ api });
/** Which call this tab was in: sessionStorage survives a reload (READY rejoins it) but not a new tab or device. */
const REJOIN_KEY = 'parley:call';
const tabStorage = typeof window !== 'undefined' ? window.sessionStorage : null;
export const callsStore = createCallsStore({
  api,
  voice: {
    joinCall: (c) => voiceStore.getState().joinCall(c),
    leave: () => voiceStore.getState().leave(),
    targetCallId: () => voiceStore.getState().target?.callId ?? null,
    connectedCallId: () => voiceStore.getState().current?.callId ?? null,
  },
  rejoin: {
    get: () => tabStorage?.getItem(REJOIN_KEY) ?? null,
    set: (id) => (id ? tabStorage?.setItem(REJOIN_KEY, id) : tabStorage?.removeItem(REJOIN_KEY)),
  },
});
export const callHistoryStore = createCallHistoryStore({ api });
// Joining a voice channel (or anything else moving the engine off the call) ends this session's part in the call.
voiceStore.subscribe((s, prev) => {
  if (s.target === prev.target) return;
  const active = callsStore.getState().activeCallId;
  if (active && s.target?.callId !== active) callsStore.getState().noteEngineLeft();
});

export const useAuth = <T>(sel: (s: AuthState & AuthActions) => T): T => useStore(authStore, sel);
export const useGuilds = <T>(sel: (s: GuildsState & GuildsActions) => T): T => useStore(guildsStore, sel);
export const useChat = <T>(sel: (s: ChatState & ChatActions) => T): T => useStore(chatStore, sel);
export const useVoice = <T>(sel: (s: VoiceState & VoiceActions) => T): T => useStore(voiceStore, sel);
export const useUnread = <T>(sel: (s: UnreadState & UnreadActions) => T): T => useStore(unreadStore, sel);
export const useVoicePresence = <T>(sel: (s: VoicePresenceState & VoicePresenceActions) => T): T => useStore(voicePresenceStore, sel);
export const useSettings = <T>(sel: (s: Settings & SettingsActions) => T): T => useStore(settingsStore, sel);
export const useUi = <T>(sel: (s: UiState) => T): T => useStore(uiStore, sel);
export const useMembers = <T>(sel: (s: MembersState & MembersActions) => T): T => useStore(membersStore, sel);
export const useAccount = <T>(sel: (s: AccountActions) => T): T => useStore(accountStore, sel);
export const useSearch = <T>(sel: (s: SearchState & SearchActions) => T): T => useStore(searchStore, sel);
export const useRecordings = <T>(sel: (s: RecordingsState & RecordingsActions) => T): T => useStore(recordingsStore, sel);
export const useRelationships = <T>(sel: (s: RelationshipsState & RelationshipsActions) => T): T => useStore(relationshipsStore, sel);
export const usePrivateChannels = <T>(sel: (s: PrivateChannelsState & PrivateChannelsActions) => T): T =>
  useStore(privateChannelsStore, sel);
export const useCalls = <T>(sel: (s: CallsState & CallsActions) => T): T => useStore(callsStore, sel);
export const useCallHistory = <T>(sel: (s: CallHistoryState & CallHistoryActions) => T): T => useStore(callHistoryStore, sel);
export const useNotificationSettings = <T>(sel: (s: NotificationSettingsState & NotificationSettingsActions) => T): T =>
  useStore(notificationSettingsStore, sel);

let gateway: GatewayClient | null = null;
let refreshTimer: ReturnType<typeof setInterval> | null = null;
let idle: IdleTracker | null = null;

/**
 * This session's activity for the server: idle after 10 minutes without input, but only while the chosen status is
 * online (dnd, idle and invisible are shown as chosen whatever the sessions do).
 */
function syncActivity() {
  const chosen = authStore.getState().user?.status ?? 'online';
  gateway?.setPresence(chosen === 'online' ? (idle?.activity ?? 'online') : 'online');
}

/** A guild snapshot (READY, GUILD_CREATE) feeds three stores: the guild itself, its voice states, its channels' newest messages and my read states. */
function applySnapshot(snap: GuildSnapshot): void {
  guildsStore.getState().applySnapshot(snap);
  voicePresenceStore.getState().setGuildVoiceStates(snap.guild.id, snap.voiceStates);
  voicePresenceStore.getState().setGuildGuests(snap.guild.id, snap.voiceGuests ?? []);
  unreadStore.getState().noteChannels(snap.channels);
  if (snap.notificationSettings) notificationSettingsStore.getState().apply(snap.notificationSettings);
  if (snap.readStates)
    unreadStore.getState().applyReadStates(
      snap.channels.map((c) => c.id),
      snap.readStates,
    );
}

/**
 * Where the user was, kept per device so the next start reopens it: a guild's channel, or Home (`home: true`) with the
 * friends page or one DM (`dmId`). The guild and channel stay remembered while Home is open, for the way back.
 */
interface LastLocation {
  userId: string;
  guildId?: string;
  channelId?: string;
  home?: boolean;
  dmId?: string | null;
}
const LAST_LOCATION_KEY = 'last-location';
function saveLocation() {
  const userId = authStore.getState().user?.id;
  if (!userId) return;
  const g = guildsStore.getState();
  const guildId = g.selectedGuildId ?? undefined;
  const channelId = guildId ? g.selectedChannelByGuild[guildId] : undefined;
  const loc: LastLocation = { userId, guildId, channelId };
  if (g.home) Object.assign(loc, { home: true, dmId: privateChannelsStore.getState().selectedId });
  if (g.home || (guildId && channelId)) p.storage.set(LAST_LOCATION_KEY, loc);
}
guildsStore.subscribe((s, prev) => {
  if (s.selectedGuildId === prev.selectedGuildId && s.selectedChannelByGuild === prev.selectedChannelByGuild && s.home === prev.home)
    return;
  saveLocation();
});
privateChannelsStore.subscribe((s, prev) => {
  if (s.selectedId !== prev.selectedId) saveLocation();
});

// Calls and Home: opening a DM leaves the call history; answering, or calling from the history, shows the call's DM;
// the names and avatars a call shows come from my DMs and friends.
privateChannelsStore.subscribe((s, prev) => {
  if (s.selectedId !== prev.selectedId) callHistoryStore.getState().hide();
  if (s.byId !== prev.byId) callsStore.getState().notePeople(Object.values(s.byId).flatMap((c) => c.recipients));
});
relationshipsStore.subscribe((s, prev) => {
  if (s.byUserId !== prev.byUserId) callsStore.getState().notePeople(Object.values(s.byUserId).map((r) => r.user));
});
setCallDmOpener((channelId) => {
  if (!privateChannelsStore.getState().byId[channelId]) return;
  callHistoryStore.getState().hide();
  guildsStore.getState().openHome();
  privateChannelsStore.getState().select(channelId);
});

// Channel lists loaded over REST carry each channel's newest message id too.
guildsStore.subscribe((s, prev) => {
  if (s.channelsByGuild === prev.channelsByGuild) return;
  for (const [guildId, channels] of Object.entries(s.channelsByGuild)) {
    if (channels !== prev.channelsByGuild[guildId]) unreadStore.getState().noteChannels(channels);
  }
});

/** An incoming message becomes a notification when my settings, my status and what is on screen let it (should-notify.ts). */
function notifyIfWanted(m: Message, myRoles: readonly string[]): void {
  // DMs (guildId null) have their own rules.
  if (m.guildId === null) {
    notifyDm(m);
    return;
  }
  const guildId = m.guildId;
  const me = authStore.getState().user;
  const g = guildsStore.getState();
  const decision = shouldNotify({
    message: {
      authorId: m.author.id,
      channelId: m.channelId,
      type: m.type,
      mentionsMeDirectly: me !== null && m.mentions.some((u) => u.id === me.id),
      mentionsMyRole: m.mentionRoles.some((r) => myRoles.includes(r)),
    },
    settings: notificationSettingsStore.getState().byGuild[guildId],
    selfId: me?.id,
    status: me?.status ?? 'online',
    channelOpen: g.selectedGuildId === guildId && g.selectedChannelByGuild[guildId] === m.channelId,
    windowFocused: typeof document !== 'undefined' && document.hasFocus(),
    now: Date.now(),
  });
  if (!decision.notify) return;
  const text = notificationText(m, { channels: g.channelsByGuild[guildId] ?? [], roles: g.rolesByGuild[guildId] ?? [] });
  p.notify({ ...text, guildId, channelId: m.channelId, messageId: m.id });
}

/**
 * A DM notifies like a mention (Discord's default): not my own, not while Do Not Disturb, not while that DM is open
 * in a focused window. Titled with the group's name in a group.
 */
function notifyDm(m: Message): void {
  const me = authStore.getState().user;
  const dm = privateChannelsStore.getState().byId[m.channelId];
  if (!me || m.author.id === me.id || me.status === 'dnd' || !dm) return;
  const open = guildsStore.getState().home && privateChannelsStore.getState().selectedId === m.channelId;
  if (open && typeof document !== 'undefined' && document.hasFocus()) return;
  const text = notificationText(m, { channels: [], roles: [] });
  const title = dm.type === 'group_dm' ? `${m.author.displayName} in ${channelLabel(dm)}` : text.title;
  p.notify({ title, body: text.body, guildId: null, channelId: m.channelId, messageId: m.id });
}

function startSession() {
  const { serverUrl } = authStore.getState();
  gateway = connectGateway({
    serverUrl,
    token: () => authStore.getState().accessToken,
    renewToken: () => auth.refresh(),
    onStatus: (s) => uiStore.getState().setGateway(s),
    onDisconnected: () => chatStore.getState().noteDisconnected(),
    onReconnected: () => {
      void chatStore.getState().fillGaps();
    },
    onRevoked: () => authStore.getState().endedRemotely('You were logged out from another device.'),
    handlers: {
      READY: (ready) => {
        const g = guildsStore.getState();
        const known = new Set(ready.guilds.map((s) => s.guild.id));
        for (const old of g.guilds) if (!known.has(old.id)) g.removeGuild(old.id);
        for (const snap of ready.guilds) applySnapshot(snap);
        const self = authStore.getState().user?.id;
        const mine = ready.guilds.flatMap((s) => s.voiceStates).find((v) => v.userId === self);
        voiceStore.getState().setServerFlags({ serverMute: mine?.serverMute ?? false, serverDeaf: mine?.serverDeaf ?? false });
        if (ready.guilds.length === 0) guildsStore.setState({ loaded: true });
        relationshipsStore.getState().applyReady(ready.relationships, ready.privacySettings);
        privateChannelsStore.getState().applyReady(ready.privateChannels);
        if (ready.privateChannels) {
          unreadStore.getState().noteChannels(ready.privateChannels);
          // As a guild snapshot's read states: a DM not listed was never read.
          if (ready.privateReadStates)
            unreadStore.getState().applyReadStates(
              ready.privateChannels.map((c) => c.id),
              ready.privateReadStates,
            );
        }
        callsStore.getState().applyReady({
          ...ready,
          people: [...(ready.privateChannels ?? []).flatMap((c) => c.recipients), ...(ready.relationships ?? []).map((r) => r.user)],
        });
        // A reconnect may have missed history entries: the view loads afresh when next opened.
        callHistoryStore.getState().reset();
      },
      RELATIONSHIP_ADD: (r) => relationshipsStore.getState().receive(r),
      RELATIONSHIP_REMOVE: (e) => relationshipsStore.getState().receiveRemove(e.userId),
      PRIVACY_SETTINGS_UPDATE: (e) => relationshipsStore.getState().receivePrivacy(e),
      PRIVATE_CHANNEL_CREATE: (c) => {
        privateChannelsStore.getState().receive(c);
        unreadStore.getState().noteChannels([c]);
      },
      PRIVATE_CHANNEL_UPDATE: (c) => privateChannelsStore.getState().receive(c),
      PRIVATE_CHANNEL_DELETE: (e) => privateChannelsStore.getState().receiveDelete(e.id),
      CALL_CREATE: (c) => callsStore.getState().receiveCall(c),
      CALL_UPDATE: (c) => callsStore.getState().receiveCall(c),
      CALL_DELETE: (e) => callsStore.getState().receiveDelete(e),
      CALL_HISTORY_ADD: (e) => {
        callsStore.getState().notePeople(e.participants);
        callHistoryStore.getState().receive(e);
      },
      MISSED_CALLS_UPDATE: (e) => callsStore.getState().setUnseenMissed(e.unseen),
      MESSAGE_CREATE: (m) => {
        const self = authStore.getState().user?.id;
        const myRoles =
          (m.guildId !== null ? guildsStore.getState().membersByGuild[m.guildId] : undefined)?.find((x) => x.user.id === self)?.roleIds ??
          [];
        // In a DM every message counts, as a mention does in a guild (Discord's DM badge counts messages).
        const mentionsMe = m.guildId === null || isForMe(m, self, myRoles);
        chatStore.getState().receive(m);
        unreadStore.getState().noteMessage(m.channelId, m.id, mentionsMe, m.author.id === self);
        privateChannelsStore.getState().noteMessage(m.channelId, m.id);
        notifyIfWanted(m, myRoles);
      },
      MESSAGE_UPDATE: (m) => chatStore.getState().receive(m),
      MESSAGE_REACTION_ADD: (e) => chatStore.getState().receiveReaction(e, true),
      MESSAGE_REACTION_REMOVE: (e) => chatStore.getState().receiveReaction(e, false),
      CHANNEL_PINS_UPDATE: (e) => chatStore.getState().receivePin(e.channelId, e.messageId, e.pinned),
      MESSAGE_DELETE: (e) => chatStore.getState().receiveDelete(e.channelId, e.id),
      MESSAGE_DELETE_BULK: (e) => chatStore.getState().receiveDeleteBulk(e.channelId, e.ids),
      CHANNEL_CREATE: (c) => guildsStore.getState().upsertChannel(c),
      CHANNEL_UPDATE: (c) => guildsStore.getState().upsertChannel(c),
      CHANNEL_DELETE: (e) => guildsStore.getState().removeChannel(e.id, e.guildId),
      GUILD_CREATE: (snap) => applySnapshot(snap),
      GUILD_UPDATE: (g) => guildsStore.getState().upsertGuild(g),
      GUILD_DELETE: (e) => {
        // Kicked or banned: say so (with the guild's name while we still know it), then drop the guild.
        if (e.removal) {
          const guildName = guildsStore.getState().guilds.find((g) => g.id === e.id)?.name ?? 'a server';
          membersStore.getState().noteRemoval({ guildId: e.id, guildName, ...e.removal });
        }
        guildsStore.getState().removeGuild(e.id);
        notificationSettingsStore.getState().remove(e.id);
      },
      // The server follows MEMBER_ADD with the new member's PRESENCE_UPDATE.
      MEMBER_ADD: (m) => guildsStore.getState().upsertMember(m),
      MEMBER_UPDATE: (m) => {
        guildsStore.getState().upsertMember(m);
        // Our own display name, username or avatar changed (maybe from another session): the user panel shows it at once.
        const me = authStore.getState().user;
        if (
          me &&
          m.user.id === me.id &&
          (m.user.displayName !== me.displayName || m.user.username !== me.username || m.user.avatar !== me.avatar)
        ) {
          authStore.setState({ user: { ...me, displayName: m.user.displayName, username: m.user.username, avatar: m.user.avatar } });
        }
      },
      // Our account changed in another session (name, status): take the server's copy.
      USER_UPDATE: (u) => {
        if (u.id === authStore.getState().user?.id) authStore.setState({ user: u });
      },
      MEMBER_REMOVE: (e) => guildsStore.getState().removeMember(e.guildId, e.userId),
      ROLE_CREATE: (r) => guildsStore.getState().upsertRole(r),
      ROLE_UPDATE: (r) => guildsStore.getState().upsertRole(r),
      ROLE_DELETE: (e) => guildsStore.getState().removeRole(e.guildId, e.id),
      TYPING_START: (e) => chatStore.getState().setTyping(e.channelId, e.user.id, Date.parse(e.at) + 8000),
      PRESENCE_UPDATE: (e) => guildsStore.getState().setPresence(e.userId, e.status),
      VOICE_GUEST_UPDATE: (e) => voicePresenceStore.getState().setGuest(e),
      VOICE_STATE_UPDATE: (e) => {
        voicePresenceStore
          .getState()
          .setVoiceState(
            e.channelId === null
              ? { userId: e.userId, guildId: e.guildId, channelId: null }
              : { ...e, channelId: e.channelId, joinedAt: e.joinedAt ?? new Date().toISOString() },
          );
        if (e.userId === authStore.getState().user?.id) {
          voiceStore.getState().setServerFlags({ serverMute: e.serverMute, serverDeaf: e.serverDeaf });
        }
      },
      // A moderator moved us: connect with the token the server issued for the seat it reserved (a REST join would be
      // refused by a full channel's user limit).
      VOICE_MOVE: (e) =>
        voiceStore.getState().moveTo({ channelId: e.channelId, guildId: e.guildId, grant: { url: e.url, token: e.token } }),
      RECORDING_UPDATE: (r) => recordingsStore.getState().receive(r),
      RECORDING_DELETE: (e) => recordingsStore.getState().receiveDelete(e.id),
      // Only to whoever started it: Egress gave up (the channel got a notice too).
      RECORDING_FAILED: (e) => {
        recordingsStore.getState().receive(e.recording);
        uiStore.getState().toast('error', `Recording failed: ${e.reason}`);
      },
      READ_STATE_UPDATE: (e) => unreadStore.getState().receiveReadState(e),
      NOTIFICATION_SETTINGS_UPDATE: (e) => notificationSettingsStore.getState().apply(e),
      VOICE_DISCONNECT: (e) => {
        if (e.reason === 'CHANNEL_FULL') voiceStore.getState().noteRemovalReason('This voice channel is full.');
      },
    },
  });
  // Reopen the guild and channel this user had open last on this device (as Discord does); their data loads at once.
  const self = authStore.getState().user?.id;
  const last = p.storage.get<Partial<LastLocation>>(LAST_LOCATION_KEY);
  if (self && last?.userId === self && typeof last.guildId === 'string' && typeof last.channelId === 'string')
    guildsStore.getState().resume(last.guildId, last.channelId);
  if (self && last?.userId === self && last.home === true) {
    guildsStore.getState().openHome();
    privateChannelsStore.getState().select(typeof last.dmId === 'string' ? last.dmId : null);
  }
  void guildsStore.getState().loadAll();
  if (typeof window !== 'undefined') idle = createIdleTracker({ target: window, onChange: syncActivity });
  // Access tokens live ~15 minutes: renew well before, and hand the new one to the gateway.
  refreshTimer = setInterval(() => void auth.refresh(), 10 * 60 * 1000);
}

function endSession() {
  idle?.stop();
  idle = null;
  gateway?.close();
  gateway = null;
  if (refreshTimer) clearInterval(refreshTimer);
  refreshTimer = null;
  voiceStore.getState().leave();
  guildsStore.getState().reset();
  unreadStore.getState().reset();
  voicePresenceStore.getState().reset();
  chatStore.getState().reset();
  membersStore.getState().reset();
  recordingsStore.getState().reset();
  notificationSettingsStore.getState().reset();
  relationshipsStore.getState().reset();
  privateChannelsStore.getState().reset();
  callsStore.getState().reset();
  callHistoryStore.getState().reset();
}

authStore.subscribe((s, prev) => {
  if (s.phase === 'signed-in' && prev.phase !== 'signed-in') startSession();
  if (s.phase !== 'signed-in' && prev.phase === 'signed-in') endSession();
  if (s.accessToken && s.accessToken !== prev.accessToken && prev.accessToken) gateway?.refreshToken(s.accessToken);
  if (s.user?.status !== prev.user?.status) syncActivity();
});

// Invite deep links (desktop) and notification clicks (desktop and web).
p.onInviteLink((code) => {
  if (authStore.getState().phase !== 'signed-in') return;
  void guildsStore
    .getState()
    .joinInvite(code)
    .then((r) => uiStore.getState().toast(r.ok ? 'info' : 'error', r.ok ? `Joined ${r.value.name}` : r.message));
});
p.onOpenChannel(({ guildId, channelId }) => {
  if (!guildId && privateChannelsStore.getState().byId[channelId]) {
    guildsStore.getState().openHome();
    privateChannelsStore.getState().select(channelId);
    return;
  }
  const g = guildId ?? Object.entries(guildsStore.getState().channelsByGuild).find(([, cs]) => cs.some((c) => c.id === channelId))?.[0];
  if (g) guildsStore.getState().selectChannel(g, channelId);
});

// Desktop shell notices (settings file reset, global push-to-talk unavailable, an update ready): a toast, kept long
// enough to read the fix.
p.onNotice((notice) => {
  const kind = notice.code === 'update-ready' ? 'info' : 'warning';
  uiStore.getState().toast(kind, notice.hint ? `${notice.message} ${notice.hint}` : notice.message, notice.hint ? 15_000 : 8000);
});

// Desktop push-to-talk lives in the main process (global key hook): keep its enable flag and delay in sync.
if (p.desktopPtt) {
  const ptt = p.desktopPtt;
  const sync = () => {
    const s = settingsStore.getState();
    ptt.configure({ enabled: s.inputMode === 'ptt', releaseDelayMs: s.pttReleaseMs });
  };
  sync();
  settingsStore.subscribe((s, prev) => {
    if (s.inputMode !== prev.inputMode || s.pttReleaseMs !== prev.pttReleaseMs) sync();
  });
}

// Badge = unread mentions across guilds (desktop taskbar; a no-op on the web).
unreadStore.subscribe((s, prev) => {
  if (s.mentionCount === prev.mentionCount) return;
  p.setBadgeCount(Object.values(s.mentionCount).reduce((a, b) => a + b, 0));
});
