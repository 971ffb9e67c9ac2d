/**
 * The voice widget at /embed/voice/:channelId (its own Vite entry, embed.html): join a voice channel as a guest or as
 * a signed-in member, mute, see who is there; a host page drives it and hears from it through postMessage
 * (embed-protocol.ts). No React and none of the client's stores: only livekit-client, so the page stays small.
 *
 * A member signs in with the ordinary login route and joins with the ordinary voice join route, so CONNECT, SPEAK,
 * server mute, the channel's limit and kicks apply exactly as in the app. The frame sits on a third-party page: the
 * session is kept in this script's memory only (no cookie, no storage) and is logged out when the page goes away.
 */
import { buildPath } from '@shared/api/contract';
import type { EmbedGuestToken } from '@shared/api/embed';
import { embedRoutes, routes, voiceRoutes } from '@shared/api/route-table';
import { DisconnectReason, Room, RoomEvent, Track, type Participant, type RemoteTrack } from 'livekit-client';
import { acceptCommand, parentOrigin, parsePageInfo, type EmbedCommand, type EmbedStateMessage } from './embed-protocol';
import './embed.css';

const GUEST_PREFIX = 'guest:';
const channelId = location.pathname.split('/').filter(Boolean)[2] ?? '';
const info = parsePageInfo(document.querySelector('meta[name="parley-embed"]')?.getAttribute('content'));
const theme = new URLSearchParams(location.search).get('theme');
document.documentElement.dataset.theme =
  theme === 'light' || theme === 'dark' ? theme : matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const title = el<HTMLHeadingElement>('widget-title');
const status = el<HTMLParagraphElement>('status');
const joinButton = el<HTMLButtonElement>('join');
const signInButton = el<HTMLButtonElement>('signin');
const signOutButton = el<HTMLButtonElement>('signout');
const muteButton = el<HTMLButtonElement>('mute');
const playButton = el<HTMLButtonElement>('play');
const people = el<HTMLUListElement>('people');
const form = el<HTMLFormElement>('signin-form');
const usernameInput = el<HTMLInputElement>('signin-username');
const passwordInput = el<HTMLInputElement>('signin-password');
const cancelButton = el<HTMLButtonElement>('signin-cancel');
const signInNote = el<HTMLParagraphElement>('signin-note');

const ancestors = location.ancestorOrigins ? Array.from(location.ancestorOrigins) : null;
const parent = window.parent !== window ? parentOrigin(info.origins, ancestors, document.referrer) : null;
if (parent)
  signInNote.textContent = `You are signing in inside a widget on ${parent}. Only type your Parley password if you trust that site.`;

/** A signed-in member's session: in memory only, gone with the page. */
interface MemberSession {
  accessToken: string;
  refreshToken: string;
  name: string;
}

let room: Room | null = null;
let joinedAs: 'guest' | 'member' | null = null;
let guestCanSpeak = false;
let session: MemberSession | null = null;
let formOpen = false;
let busy = false;
let error: string | null = null;

if (info.channelName) title.textContent = info.channelName;

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** A response body as JSON; null when empty or not JSON (a proxy's HTML error page: the status says enough). */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

async function call<T>(method: string, path: string, init: { body?: unknown; token?: string; keepalive?: boolean } = {}): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method: method.toUpperCase(),
    headers: {
      ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    keepalive: init.keepalive,
    // The session is the bearer token in memory: never send or keep cookies from inside a third-party frame.
    credentials: 'omit',
  });
  const text = await res.text();
  const body = parseJson(text) as (T & { error?: { code?: string; message?: string } }) | null;
  if (!res.ok) throw new RequestError(res.status, body?.error?.code ?? null, body?.error?.message ?? `The server answered ${res.status}.`);
  return body as T;
}

/** A member's request; an expired access token is renewed once with the refresh token (both stay in memory). */
async function memberCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  if (!session) throw new Error('Sign in first.');
  try {
    return await call<T>(method, path, { body, token: session.accessToken });
  } catch (err) {
    if (!(err instanceof RequestError) || err.status !== 401) throw err;
    const renewed = await call<{ accessToken: string; refreshToken: string }>(routes.refresh.method, routes.refresh.path, {
      body: { refreshToken: session.refreshToken },
    }).catch((refreshErr: unknown) => {
      // The session is over (logged out elsewhere, password changed): back to signed out.
      session = null;
      throw refreshErr;
    });
    session = { ...session, accessToken: renewed.accessToken, refreshToken: renewed.refreshToken };
    return call<T>(method, path, { body, token: session.accessToken });
  }
}

function participants(): EmbedStateMessage['participants'] {
  if (!room) return [];
  const all: Participant[] = [room.localParticipant, ...room.remoteParticipants.values()];
  return all.map((p) => ({
    identity: p.identity,
    name: p.name || p.identity,
    guest: p.identity.startsWith(GUEST_PREFIX),
    speaking: p.isSpeaking,
    self: p === room?.localParticipant,
  }));
}

function isMuted(): boolean {
  return !room?.localParticipant.isMicrophoneEnabled;
}

/**
 * What LiveKit grants now (a member's SPEAK, server mute; a guest's mute by a moderator, or guests turned to listen-only:
 * the server changes these live); a guest never more than its token gave.
 */
function canSpeak(): boolean {
  if (!room) return false;
  if (joinedAs === 'guest' && !guestCanSpeak) return false;
  const perms = room.localParticipant.permissions;
  const mic = Track.sourceToProto(Track.Source.Microphone);
  return perms ? perms.canPublish && (perms.canPublishSources.length === 0 || perms.canPublishSources.includes(mic)) : false;
}

function render(): void {
  const joined = room !== null;
  const guests = info.guestAccess !== 'off';
  joinButton.textContent = joined ? 'Leave' : session ? 'Join voice' : 'Join as guest';
  joinButton.classList.toggle('primary', !joined);
  joinButton.hidden = !joined && !session && !guests;
  joinButton.disabled = busy;
  signInButton.hidden = session !== null || formOpen;
  signInButton.disabled = busy;
  signInButton.classList.toggle('primary', !guests);
  signOutButton.hidden = session === null;
  signOutButton.disabled = busy;
  form.hidden = !formOpen;
  for (const c of [usernameInput, passwordInput, el<HTMLButtonElement>('signin-submit'), cancelButton]) c.disabled = busy;
  muteButton.hidden = !joined || !canSpeak();
  muteButton.textContent = isMuted() ? 'Unmute' : 'Mute';
  muteButton.setAttribute('aria-pressed', String(isMuted()));
  muteButton.disabled = busy;
  playButton.hidden = !joined || (room?.canPlaybackAudio ?? true);
  const who = session ? ` as ${session.name}` : '';
  const idle = session ? `Signed in as ${session.name}. Not connected.` : guests ? 'Not connected.' : 'Sign in to join this channel.';
  status.textContent = error ?? (busy ? 'Connecting…' : joined ? (canSpeak() ? `Connected${who}.` : `Connected${who}, listening.`) : idle);
  status.classList.toggle('error', error !== null);
  const list = participants();
  people.replaceChildren(
    ...list.map((p) => {
      const li = document.createElement('li');
      li.className = p.speaking ? 'person speaking' : 'person';
      const name = document.createElement('span');
      name.textContent = p.name;
      li.append(name);
      for (const tag of [p.guest ? 'guest' : null, p.self ? 'you' : null]) {
        if (!tag) continue;
        const badge = document.createElement('span');
        badge.className = 'badge';
        badge.textContent = tag;
        li.append(' ', badge);
      }
      return li;
    }),
  );
  if (list.length === 0) {
    const li = document.createElement('li');
    li.className = 'person empty';
    li.textContent = joined ? 'Nobody else is here.' : 'Join to see who is here.';
    people.append(li);
  }
  post();
}

function post(): void {
  if (!parent) return;
  const message: EmbedStateMessage = {
    type: 'parley:state',
    channelId,
    joined: room !== null,
    muted: isMuted(),
    canSpeak: canSpeak(),
    joinedAs: room ? joinedAs : null,
    signedIn: session !== null,
    error,
    participants: participants(),
  };
  window.parent.postMessage(message, parent);
}

/** What the member is told when the voice join route refuses. */
function joinRefusal(err: unknown): string {
  if (!(err instanceof RequestError)) return err instanceof Error ? err.message : 'Could not connect.';
  if (err.code === 'FORBIDDEN') return 'You do not have permission to join this channel.';
  if (err.code === 'NOT_FOUND') return 'You cannot see this channel (are you a member of its server?).';
  if (err.code === 'CHANNEL_FULL') return 'This voice channel is full.';
  return err.message;
}

async function connect(as: 'guest' | 'member'): Promise<void> {
  if (room || busy) return;
  busy = true;
  error = null;
  render();
  const next = new Room({ adaptiveStream: false, dynacast: false });
  try {
    let grant: { url: string; token: string };
    if (as === 'guest') {
      const guest = await call<EmbedGuestToken>('post', buildPath(embedRoutes.createEmbedGuestToken.path, { channelId }));
      guestCanSpeak = guest.canSpeak;
      title.textContent = guest.channel.name;
      grant = guest;
    } else {
      // Joined muted: the widget never opens the microphone before the user asks.
      grant = await memberCall<{ url: string; token: string }>('post', buildPath(voiceRoutes.joinVoice.path, { channelId }), {
        selfMute: true,
      }).catch((err: unknown) => {
        throw new Error(joinRefusal(err));
      });
      void memberCall<{ name: string }>('get', buildPath(routes.getChannel.path, { channelId }))
        .then((c) => (title.textContent = c.name))
        .catch(() => undefined);
    }
    next
      .on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
        if (track.kind === Track.Kind.Audio) document.body.append(track.attach());
      })
      .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => {
        for (const media of track.detach()) media.remove();
      })
      .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
        if (room !== next) return;
        room = null;
        joinedAs = null;
        if (reason === DisconnectReason.PARTICIPANT_REMOVED) error = 'You were disconnected from the channel.';
        else if (reason === DisconnectReason.ROOM_DELETED) error = 'The channel was closed.';
        render();
      });
    for (const event of [
      RoomEvent.ParticipantConnected,
      RoomEvent.ParticipantDisconnected,
      RoomEvent.ActiveSpeakersChanged,
      RoomEvent.LocalTrackPublished,
      RoomEvent.LocalTrackUnpublished,
      RoomEvent.TrackMuted,
      RoomEvent.TrackUnmuted,
      RoomEvent.AudioPlaybackStatusChanged,
      RoomEvent.ParticipantPermissionsChanged,
    ])
      next.on(event, render);
    // A voice widget receives voices only: no camera or screen share, nor a stream's audio nobody chose to watch.
    const subscribeVoices = () => {
      for (const p of next.remoteParticipants.values())
        for (const pub of p.trackPublications.values())
          if (pub.source === Track.Source.Microphone && !pub.isDesired) pub.setSubscribed(true);
    };
    next.on(RoomEvent.TrackPublished, subscribeVoices);
    await next.connect(grant.url, grant.token, { autoSubscribe: false });
    subscribeVoices();
    room = next;
    joinedAs = as;
  } catch (err) {
    await next.disconnect().catch(() => undefined);
    error = err instanceof Error ? err.message : 'Could not connect.';
  } finally {
    busy = false;
    render();
  }
}

const join = (): Promise<void> => {
  if (session) return connect('member');
  if (info.guestAccess !== 'off') return connect('guest');
  error = 'Sign in to join this channel.';
  render();
  return Promise.resolve();
};

async function leave(): Promise<void> {
  const current = room;
  if (!current) return;
  const wasMember = joinedAs === 'member';
  room = null;
  joinedAs = null;
  await current.disconnect();
  // The server would see the leave from LiveKit's webhook too; telling it at once also frees the member's seat.
  if (wasMember) await memberCall('post', voiceRoutes.leaveVoice.path).catch(() => undefined);
  render();
}

async function setMuted(muted: boolean): Promise<void> {
  if (!room || !canSpeak() || busy) return;
  busy = true;
  render();
  try {
    await room.localParticipant.setMicrophoneEnabled(!muted);
    error = null;
    // Members' mute is shown to the others in the app (LiveKit cannot tell a muted track from silence).
    if (joinedAs === 'member') await memberCall('patch', voiceRoutes.updateMyVoiceState.path, { selfMute: muted }).catch(() => undefined);
  } catch {
    error = 'The microphone could not be used (the host page must allow it: allow="microphone").';
  } finally {
    busy = false;
    render();
  }
}

async function signIn(): Promise<void> {
  if (busy || session) return;
  busy = true;
  error = null;
  render();
  try {
    const s = await call<{ accessToken: string; refreshToken: string; user: { displayName: string } }>(
      routes.login.method,
      routes.login.path,
      {
        body: { username: usernameInput.value.trim(), password: passwordInput.value },
      },
    );
    session = { accessToken: s.accessToken, refreshToken: s.refreshToken, name: s.user.displayName };
    passwordInput.value = '';
    formOpen = false;
  } catch (err) {
    error =
      err instanceof RequestError && err.code === 'INVALID_CREDENTIALS'
        ? 'Wrong username or password.'
        : err instanceof Error
          ? err.message
          : 'Could not sign in.';
  } finally {
    busy = false;
    render();
  }
  if (session) {
    // A guest who signs in rejoins as themselves.
    if (room) await leave();
    await connect('member');
    joinButton.focus();
  } else passwordInput.focus();
}

/** Ends the member's session on the server (its refresh token family); `keepalive` so it survives the page's unload. */
function signOutNow(keepalive: boolean): Promise<void> {
  const ending = session;
  session = null;
  if (!ending) return Promise.resolve();
  return call<void>(routes.logout.method, routes.logout.path, { body: { refreshToken: ending.refreshToken }, keepalive }).catch(
    () => undefined,
  );
}

async function signOut(): Promise<void> {
  if (joinedAs === 'member') await leave();
  await signOutNow(false);
  error = null;
  render();
  signInButton.focus();
}

function run(command: EmbedCommand): void {
  if (command.type === 'parley:join') void join();
  else if (command.type === 'parley:leave') void leave();
  else void setMuted(command.muted ?? !isMuted());
}

joinButton.addEventListener('click', () => void (room ? leave() : join()));
signInButton.addEventListener('click', () => {
  formOpen = true;
  error = null;
  render();
  usernameInput.focus();
});
cancelButton.addEventListener('click', () => {
  formOpen = false;
  passwordInput.value = '';
  render();
  signInButton.focus();
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn();
});
signOutButton.addEventListener('click', () => void signOut());
muteButton.addEventListener('click', () => void setMuted(!isMuted()));
playButton.addEventListener('click', () => void room?.startAudio().then(render));
window.addEventListener('message', (event) => {
  const command = acceptCommand({ origin: event.origin, data: event.data, fromParent: event.source === window.parent }, info.origins);
  if (command) run(command);
});
window.addEventListener('pagehide', () => {
  const wasMember = joinedAs === 'member';
  const token = session?.accessToken;
  void room?.disconnect();
  if (wasMember && token) void call('post', voiceRoutes.leaveVoice.path, { token, keepalive: true }).catch(() => undefined);
  void signOutNow(true);
});
render();
