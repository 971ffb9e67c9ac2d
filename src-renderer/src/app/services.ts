import { useStore } from 'zustand';
import { connectGateway, type GatewayClient } from '../api/gateway-client';
import { createHttpClient } from '../api/http-client';
import { createParleyApi } from '../api/parley-api';
import { createAuthStore, type AuthActions, type AuthState } from '../features/auth/auth.store';
import { createChatStore, type ChatActions, type ChatState } from '../features/chat/chat.store';
import { mentionsMe as isForMe } from '../features/chat/mentions';
import { createGuildsStore, type GuildsActions, type GuildsState } from '../features/guilds/guilds.store';
import { createAccountStore, type AccountActions } from '../features/account/account.store';
import { createMembersStore, type MembersActions, type MembersState } from '../features/members/members.store';
import { createSettingsStore, type Settings, type SettingsActions } from '../features/settings/settings.store';
import { createVoiceStore, type VoiceActions, type VoiceState } from '../features/voice/voice.store';
import { platform } from '../platform/platform';
import { createUiStore, type UiState } from '../ui/ui.store';

/** The app's singletons: one store per feature, wired to the API, the gateway and the platform once, here. */
const p = platform();

const auth = createAuthStore({
  storage: p.storage,
  defaultServerUrl: p.defaultServerUrl(),
  makeApi: (serverUrl, tokens) => createParleyApi(createHttpClient(serverUrl, tokens)),
});

export const api = auth.api;
export const authStore = auth.store;
export const guildsStore = createGuildsStore({ api, storage: p.storage });
export const chatStore = createChatStore({ api, self: () => authStore.getState().user });
export const voiceStore = createVoiceStore();
export const settingsStore = createSettingsStore(p.storage);
export const uiStore = createUiStore();
export const membersStore = createMembersStore({ api });
export const accountStore = createAccountStore({ api, auth: auth.store });

export const useAuth = <T>(sel: (s: AuthState & AuthActions) => T): T => useStore(authStore, sel);
export const useGuilds = <T>(sel: (s: GuildsState & GuildsActions) => T): T => useStore(guildsStore, sel);
export const useChat = <T>(sel: (s: ChatState & ChatActions) => T): T => useStore(chatStore, sel);
export const useVoice = <T>(sel: (s: VoiceState & VoiceActions) => T): T => useStore(voiceStore, sel);
export const useSettings = <T>(sel: (s: Settings & SettingsActions) => T): T => useStore(settingsStore, sel);
export const useUi = <T>(sel: (s: UiState) => T): T => useStore(uiStore, sel);
export const useMembers = <T>(sel: (s: MembersState & MembersActions) => T): T => useStore(membersStore, sel);
export const useAccount = <T>(sel: (s: AccountActions) => T): T => useStore(accountStore, sel);

let gateway: GatewayClient | null = null;
let refreshTimer: ReturnType<typeof setInterval> | null = null;

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
    handlers: {
      READY: (ready) => {
        const g = guildsStore.getState();
        const known = new Set(ready.guilds.map((s) => s.guild.id));
        for (const old of g.guilds) if (!known.has(old.id)) g.removeGuild(old.id);
        for (const snap of ready.guilds) g.applySnapshot(snap);
        const self = authStore.getState().user?.id;
        const mine = ready.guilds.flatMap((s) => s.voiceStates).find((v) => v.userId === self);
        voiceStore.getState().setServerFlags({ serverMute: mine?.serverMute ?? false, serverDeaf: mine?.serverDeaf ?? false });
        if (ready.guilds.length === 0) guildsStore.setState({ loaded: true });
      },
      MESSAGE_CREATE: (m) => {
        const self = authStore.getState().user?.id;
        const myRoles = guildsStore.getState().membersByGuild[m.guildId]?.find((x) => x.user.id === self)?.roleIds ?? [];
        const mentionsMe = isForMe(m, self, myRoles);
        chatStore.getState().receive(m);
        guildsStore.getState().noteMessage(m.channelId, m.id, mentionsMe, m.author.id === self);
        if (mentionsMe && m.author.id !== self) {
          const channel = guildsStore.getState().channelsByGuild[m.guildId]?.find((c) => c.id === m.channelId);
          const roles = guildsStore.getState().rolesByGuild[m.guildId] ?? [];
          const body = m.content
            .replace(/<@([0-9a-f]{24})>/g, (_all, id: string) => `@${m.mentions.find((u) => u.id === id)?.displayName ?? 'someone'}`)
            .replace(/<@&([0-9a-f]{24})>/g, (_all, id: string) => `@${roles.find((r) => r.id === id)?.name ?? 'role'}`);
          p.notifyMention({
            title: `${m.author.displayName}${channel ? ` in #${channel.name}` : ''}`,
            body: body.slice(0, 1000),
            guildId: m.guildId,
            channelId: m.channelId,
            messageId: m.id,
          });
        }
      },
      MESSAGE_UPDATE: (m) => chatStore.getState().receive(m),
      MESSAGE_DELETE: (e) => chatStore.getState().receiveDelete(e.channelId, e.id),
      MESSAGE_DELETE_BULK: (e) => chatStore.getState().receiveDeleteBulk(e.channelId, e.ids),
      CHANNEL_CREATE: (c) => guildsStore.getState().upsertChannel(c),
      CHANNEL_UPDATE: (c) => guildsStore.getState().upsertChannel(c),
      CHANNEL_DELETE: (e) => guildsStore.getState().removeChannel(e.id, e.guildId),
      GUILD_CREATE: (snap) => guildsStore.getState().applySnapshot(snap),
      GUILD_UPDATE: (g) => guildsStore.getState().upsertGuild(g),
      GUILD_DELETE: (e) => {
        // Kicked or banned: say so (with the guild's name while we still know it), then drop the guild.
        if (e.removal) {
          const guildName = guildsStore.getState().guilds.find((g) => g.id === e.id)?.name ?? 'a server';
          membersStore.getState().noteRemoval({ guildId: e.id, guildName, ...e.removal });
        }
        guildsStore.getState().removeGuild(e.id);
      },
      // The server follows MEMBER_ADD with the new member's PRESENCE_UPDATE.
      MEMBER_ADD: (m) => guildsStore.getState().upsertMember(m),
      MEMBER_UPDATE: (m) => {
        guildsStore.getState().upsertMember(m);
        // Our own display name changed (maybe from another session): the user panel shows it at once.
        const me = authStore.getState().user;
        if (me && m.user.id === me.id && m.user.displayName !== me.displayName) authStore.setState({ user: { ...me, displayName: m.user.displayName } });
      },
      MEMBER_REMOVE: (e) => guildsStore.getState().removeMember(e.guildId, e.userId),
      ROLE_CREATE: (r) => guildsStore.getState().upsertRole(r),
      ROLE_UPDATE: (r) => guildsStore.getState().upsertRole(r),
      ROLE_DELETE: (e) => guildsStore.getState().removeRole(e.guildId, e.id),
      TYPING_START: (e) => chatStore.getState().setTyping(e.channelId, e.user.id, Date.parse(e.at) + 8000),
      PRESENCE_UPDATE: (e) => guildsStore.getState().setPresence(e.userId, e.status),
      VOICE_STATE_UPDATE: (e) => {
        guildsStore.getState().setVoiceState(
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
      VOICE_MOVE: (e) => voiceStore.getState().moveTo({ channelId: e.channelId, guildId: e.guildId, grant: { url: e.url, token: e.token } }),
      VOICE_DISCONNECT: (e) => {
        if (e.reason === 'CHANNEL_FULL') voiceStore.getState().noteRemovalReason('This voice channel is full.');
      },
    },
  });
  void guildsStore.getState().loadAll();
  // Access tokens live ~15 minutes: renew well before, and hand the new one to the gateway.
  refreshTimer = setInterval(() => void auth.refresh(), 10 * 60 * 1000);
}

function endSession() {
  gateway?.close();
  gateway = null;
  if (refreshTimer) clearInterval(refreshTimer);
  refreshTimer = null;
  voiceStore.getState().leave();
  guildsStore.getState().reset();
  chatStore.getState().reset();
  membersStore.getState().reset();
}

authStore.subscribe((s, prev) => {
  if (s.phase === 'signed-in' && prev.phase !== 'signed-in') startSession();
  if (s.phase !== 'signed-in' && prev.phase === 'signed-in') endSession();
  if (s.accessToken && s.accessToken !== prev.accessToken && prev.accessToken) gateway?.refreshToken(s.accessToken);
});

// Desktop: invite deep links and notification clicks.
p.onInviteLink((code) => {
  if (authStore.getState().phase !== 'signed-in') return;
  void guildsStore
    .getState()
    .joinInvite(code)
    .then((g) => uiStore.getState().toast(g ? 'info' : 'error', g ? `Joined ${g.name}` : (guildsStore.getState().error ?? 'Invalid invite')));
});
p.onOpenChannel(({ guildId, channelId }) => {
  const g = guildId ?? Object.entries(guildsStore.getState().channelsByGuild).find(([, cs]) => cs.some((c) => c.id === channelId))?.[0];
  if (g) guildsStore.getState().selectChannel(g, channelId);
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
guildsStore.subscribe((s, prev) => {
  if (s.mentionCount === prev.mentionCount) return;
  p.setBadgeCount(Object.values(s.mentionCount).reduce((a, b) => a + b, 0));
});
