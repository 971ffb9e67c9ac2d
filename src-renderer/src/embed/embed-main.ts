/**
 * The voice widget at /embed/voice/:channelId (its own Vite entry, embed.html): join a voice channel as a guest,
 * mute, see who is there; a host page drives it and hears from it through postMessage (embed-protocol.ts). No React
 * and none of the client's stores: only livekit-client, so the page stays small.
 */
import { buildPath } from '@shared/api/contract';
import type { EmbedGuestToken } from '@shared/api/embed';
import { embedRoutes } from '@shared/api/route-table';
import { Room, RoomEvent, Track, type Participant, type RemoteTrack } from 'livekit-client';
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
const muteButton = el<HTMLButtonElement>('mute');
const playButton = el<HTMLButtonElement>('play');
const people = el<HTMLUListElement>('people');

const ancestors = location.ancestorOrigins ? Array.from(location.ancestorOrigins) : null;
const parent = window.parent !== window ? parentOrigin(info.origins, ancestors, document.referrer) : null;

let room: Room | null = null;
let grant: EmbedGuestToken | null = null;
let busy = false;
let error: string | null = null;

if (info.channelName) title.textContent = info.channelName;
if (info.guestAccess === 'off') {
  joinButton.disabled = true;
  error = 'Guests cannot join this channel.';
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

function render(): void {
  const joined = room !== null;
  joinButton.textContent = joined ? 'Leave' : 'Join voice';
  joinButton.classList.toggle('primary', !joined);
  joinButton.disabled = busy || (!joined && info.guestAccess === 'off');
  muteButton.hidden = !joined || !grant?.canSpeak;
  muteButton.textContent = isMuted() ? 'Unmute' : 'Mute';
  muteButton.setAttribute('aria-pressed', String(isMuted()));
  muteButton.disabled = busy;
  playButton.hidden = !joined || (room?.canPlaybackAudio ?? true);
  status.textContent =
    error ?? (busy ? 'Connecting…' : joined ? (grant?.canSpeak ? 'Connected.' : 'Connected, listening.') : 'Not connected.');
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
    canSpeak: grant?.canSpeak ?? false,
    error,
    participants: participants(),
  };
  window.parent.postMessage(message, parent);
}

async function guestToken(): Promise<EmbedGuestToken> {
  const res = await fetch(`/api/v1${buildPath(embedRoutes.createEmbedGuestToken.path, { channelId })}`, { method: 'POST' });
  const body = (await res.json().catch(() => null)) as (EmbedGuestToken & { error?: { message?: string } }) | null;
  if (!res.ok || !body) throw new Error(body?.error?.message ?? `The server answered ${res.status}.`);
  return body;
}

async function join(): Promise<void> {
  if (room || busy) return;
  busy = true;
  error = null;
  render();
  const next = new Room({ adaptiveStream: false, dynacast: false });
  try {
    grant = await guestToken();
    title.textContent = grant.channel.name;
    next
      .on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
        if (track.kind === Track.Kind.Audio) document.body.append(track.attach());
      })
      .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => {
        for (const media of track.detach()) media.remove();
      })
      .on(RoomEvent.Disconnected, () => {
        if (room === next) {
          room = null;
          render();
        }
      });
    for (const event of [
      RoomEvent.ParticipantConnected,
      RoomEvent.ParticipantDisconnected,
      RoomEvent.ActiveSpeakersChanged,
      RoomEvent.LocalTrackPublished,
      RoomEvent.TrackMuted,
      RoomEvent.TrackUnmuted,
      RoomEvent.AudioPlaybackStatusChanged,
    ])
      next.on(event, render);
    await next.connect(grant.url, grant.token, { autoSubscribe: true });
    room = next;
  } catch (err) {
    await next.disconnect().catch(() => undefined);
    error = err instanceof Error ? err.message : 'Could not connect.';
  } finally {
    busy = false;
    render();
  }
}

async function leave(): Promise<void> {
  const current = room;
  if (!current) return;
  room = null;
  await current.disconnect();
  render();
}

async function setMuted(muted: boolean): Promise<void> {
  if (!room || !grant?.canSpeak || busy) return;
  busy = true;
  render();
  try {
    await room.localParticipant.setMicrophoneEnabled(!muted);
    error = null;
  } catch {
    error = 'The microphone could not be used (the host page must allow it: allow="microphone").';
  } finally {
    busy = false;
    render();
  }
}

function run(command: EmbedCommand): void {
  if (command.type === 'parley:join') void join();
  else if (command.type === 'parley:leave') void leave();
  else void setMuted(command.muted ?? !isMuted());
}

joinButton.addEventListener('click', () => void (room ? leave() : join()));
muteButton.addEventListener('click', () => void setMuted(!isMuted()));
playButton.addEventListener('click', () => void room?.startAudio().then(render));
window.addEventListener('message', (event) => {
  const command = acceptCommand({ origin: event.origin, data: event.data, fromParent: event.source === window.parent }, info.origins);
  if (command) run(command);
});
window.addEventListener('pagehide', () => void room?.disconnect());
render();
