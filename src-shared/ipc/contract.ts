import { z } from 'zod';
import type { DomainOf, EventChannel, InvokeChannel, ListenerOf, MethodOf } from './channels';
import { eventChannels, invokeChannels } from './channels';
import { pttBindingSchema, pttInputSchema, settingsPatchSchema, settingsSchema } from './settings';

/**
 * The desktop bridge contract: every renderer → main channel with its request and response schema, and every
 * main → renderer event with its payload schema. src-main/ipc/register.ts parses requests against it,
 * src-preload builds `window.parley` from it, and src-renderer/src/platform consumes the `ParleyBridge` type.
 */

const none = z.undefined();

export const appInfoSchema = z.object({
  version: z.string(),
  platform: z.string(),
  isPackaged: z.boolean(),
});

export const voiceStateSchema = z.object({
  connected: z.boolean(),
  muted: z.boolean(),
  deafened: z.boolean(),
  /** Whether the renderer is publishing audio right now (push-to-talk held or voice activity). */
  speaking: z.boolean().default(false),
  channelName: z.string().max(100).nullable().default(null),
  /** Connected, but no microphone could be opened: nobody hears us (the voice panel says why). */
  listeningOnly: z.boolean().default(false),
});
export type VoiceState = z.infer<typeof voiceStateSchema>;

export const hookProblemSchema = z.enum([
  'wayland-no-xwayland',
  'wayland-partial',
  'no-display',
  'macos-accessibility',
  'hook-start-failed',
  'hook-module-missing',
]);
export type HookProblem = z.infer<typeof hookProblemSchema>;

export const hotkeyStatusSchema = z.enum(['registered', 'unavailable', 'off']);

export const pttDiagnosticsSchema = z.object({
  /** Where key events come from: the global hook, the `parley --ptt=…` command line fallback, or nothing. */
  backend: z.enum(['uiohook', 'cli', 'none']),
  status: z.enum(['active', 'idle', 'unavailable', 'failed']),
  problem: hookProblemSchema.nullable(),
  /** Human-readable why and what to do, for the settings view. */
  message: z.string().nullable(),
  hint: z.string().nullable(),
  fallbackCommands: z.object({ down: z.string(), up: z.string(), toggle: z.string() }),
  heldInputs: z.array(pttInputSchema),
  bindingHeld: z.boolean(),
  transmitting: z.boolean(),
  capturing: z.boolean(),
  lastEventAt: z.number().nullable(),
  hotkeys: z.object({ toggleMute: hotkeyStatusSchema, toggleDeafen: hotkeyStatusSchema }),
});
export type PttDiagnostics = z.infer<typeof pttDiagnosticsSchema>;

export const pttStateSchema = z.object({
  transmitting: z.boolean(),
  reason: z.enum(['press', 'release', 'toggle', 'max-hold', 'lock-screen', 'suspend', 'hook-failure', 'disabled', 'quit']),
  source: z.enum(['hook', 'cli', 'system']),
  at: z.number(),
});
export type PttState = z.infer<typeof pttStateSchema>;

export const microphoneAccessSchema = z.enum(['granted', 'denied', 'restricted', 'not-determined', 'unknown']);

export const mentionSchema = z.object({
  title: z.string().min(1).max(200),
  body: z.string().max(1000),
  guildId: z.string().max(64).nullable().default(null),
  channelId: z.string().min(1).max(64),
  messageId: z.string().max(64).nullable().default(null),
});

export const noticeSchema = z.object({
  code: z.enum(['settings-reset', 'ptt-hook-unavailable', 'ptt-hook-failed', 'hotkey-unavailable', 'update-ready']),
  message: z.string(),
  hint: z.string().nullable().default(null),
});
export type Notice = z.infer<typeof noticeSchema>;

export const voiceCommandSchema = z.object({
  command: z.enum(['toggle-mute', 'toggle-deafen', 'disconnect']),
  source: z.enum(['tray', 'hotkey', 'quit']),
});
export type VoiceCommand = z.infer<typeof voiceCommandSchema>;

export const deepLinkSchema = z.object({ kind: z.literal('invite'), code: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/) });
export type DeepLink = z.infer<typeof deepLinkSchema>;

/** A DM call ringing in the renderer (features/calls): main shows a notification and the tray's ringing state. */
export const ringingSchema = z.object({
  callId: z.string().min(1).max(64),
  /** "Alice", or the group's name. */
  callerName: z.string().min(1).max(100),
  /** A call-waiting prompt (already in a call or a voice channel). */
  waiting: z.boolean(),
});
export type Ringing = z.infer<typeof ringingSchema>;

export const callCommandSchema = z.object({
  /** From the ringing notification's buttons (where the OS has them) or the tray menu; `show` is a click on it. */
  command: z.enum(['accept', 'decline', 'show']),
  callId: z.string().min(1).max(64),
});
export type CallCommand = z.infer<typeof callCommandSchema>;

/** A thumbnail or app icon as an image data URL (main encodes them; the renderer shows them as <img src>). */
const imageDataUrl = z
  .string()
  .max(2_000_000)
  .regex(/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]*$/);

/** One screen or window the user may share (desktopCapturer's source, as the picker dialog shows it). */
export const screenSourceSchema = z.object({
  /** desktopCapturer's id, e.g. `screen:0:0` or `window:1234:0`. */
  id: z.string().min(1).max(200),
  name: z.string().max(200),
  kind: z.enum(['screen', 'window']),
  thumbnail: imageDataUrl.nullable(),
  appIcon: imageDataUrl.nullable(),
});
export type ScreenSource = z.infer<typeof screenSourceSchema>;

/** getDisplayMedia in the app: main lists the sources and waits for `screen:choose-source` with this request id. */
export const screenPickRequestSchema = z.object({
  requestId: z.string().min(1).max(64),
  sources: z.array(screenSourceSchema).max(200),
  /** System audio can come with the screen here (Windows loopback, and only when the page asked for audio). */
  audioSupported: z.boolean(),
});
export type ScreenPickRequest = z.infer<typeof screenPickRequestSchema>;

export const invokeContract = {
  'app:get-info': { request: none, response: appInfoSchema },
  /** Unread mentions on the dock/taskbar icon (macOS dock, Linux Unity launchers; Windows has no count badge). */
  'app:set-badge-count': { request: z.object({ count: z.number().int().min(0).max(9999) }), response: z.object({ shown: z.boolean() }) },
  'settings:get': { request: none, response: settingsSchema },
  'settings:update': { request: settingsPatchSchema, response: settingsSchema },
  'voice:report-state': { request: voiceStateSchema, response: z.null() },
  'ptt:get-diagnostics': { request: none, response: pttDiagnosticsSchema },
  /** The next key/mouse press (or combination, completed on first release) becomes the binding: see `ptt:binding-captured`. */
  'ptt:start-rebind': { request: none, response: z.null() },
  'ptt:cancel-rebind': { request: none, response: z.null() },
  'media:get-microphone-access': { request: none, response: z.object({ status: microphoneAccessSchema }) },
  'media:request-microphone-access': { request: none, response: z.object({ granted: z.boolean(), status: microphoneAccessSchema }) },
  /**
   * A message the renderer's notification settings let through (a mention, or any message at level "all"); main shows
   * it only when the window is not focused and notifications are on in the desktop settings.
   */
  'notifications:show-mention': {
    request: mentionSchema,
    response: z.object({ shown: z.boolean(), reason: z.enum(['shown', 'focused', 'disabled', 'unsupported']) }),
  },
  /**
   * A link from a message, after the renderer's "Leaving Parley" confirmation. Main opens it in the system browser only
   * for http(s) and mailto (src-main/os/external-links.ts); anything else resolves `{ opened: false }`.
   */
  'app:open-external': { request: z.object({ url: z.string().min(1).max(4096) }), response: z.object({ opened: z.boolean() }) },
  /**
   * What rings now (null: nothing). Main puts the tray in its ringing state, flashes the taskbar entry and, while the
   * window is not focused, shows one notification per ringing call (closed when it stops).
   */
  'calls:set-ringing': { request: z.object({ ringing: ringingSchema.nullable() }), response: z.object({ notified: z.boolean() }) },
  /**
   * The user's answer to `screen:pick-source`: a source id, or null to cancel; `audio` asks for system audio with it
   * (honoured only where `audioSupported` was true). `accepted: false` when that request is no longer open (timed out,
   * replaced by a newer one, or the id is not one of its sources).
   */
  'screen:choose-source': {
    request: z.object({ requestId: z.string().min(1).max(64), sourceId: z.string().min(1).max(200).nullable(), audio: z.boolean() }),
    response: z.object({ accepted: z.boolean() }),
  },
} as const satisfies Record<InvokeChannel, { request: z.ZodType; response: z.ZodType }>;

export const eventContract = {
  'app:notice': noticeSchema,
  'settings:changed': settingsSchema,
  'voice:command': voiceCommandSchema,
  'ptt:state': pttStateSchema,
  'ptt:diagnostics': pttDiagnosticsSchema,
  'ptt:binding-captured': z.object({ binding: pttBindingSchema }),
  'deeplink:open': deepLinkSchema,
  'notifications:clicked': z.object({ guildId: z.string().nullable(), channelId: z.string(), messageId: z.string().nullable() }),
  'calls:command': callCommandSchema,
  'screen:pick-source': screenPickRequestSchema,
  /** Main gave up on that request (timeout, a newer request, the page went away): close its picker. */
  'screen:pick-cancelled': z.object({ requestId: z.string().min(1).max(64) }),
} as const satisfies Record<EventChannel, z.ZodType>;

// Both directions of drift fail the typecheck: a channel without schemas, or schemas without a channel.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _invokeKeysMatch: Exact<keyof typeof invokeContract, InvokeChannel> = true;
const _eventKeysMatch: Exact<keyof typeof eventContract, EventChannel> = true;
void _invokeKeysMatch;
void _eventKeysMatch;
void invokeChannels;
void eventChannels;

export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['response']>;
export type EventPayload<E extends EventChannel> = z.output<(typeof eventContract)[E]>;

/** Closed set of failure codes a bridge call can resolve to. Nothing throws across the bridge. */
export type IpcErrorCode = 'forbidden' | 'invalid-request' | 'unavailable' | 'permission-denied' | 'internal';
export type IpcResult<T> = { ok: true; data: T } | { ok: false; code: IpcErrorCode };

type InvokeFn<C extends InvokeChannel> =
  undefined extends InvokeRequest<C>
    ? () => Promise<IpcResult<InvokeResponse<C>>>
    : (request: InvokeRequest<C>) => Promise<IpcResult<InvokeResponse<C>>>;

type Domain = DomainOf<InvokeChannel> | DomainOf<EventChannel>;

/**
 * `window.parley` in the desktop app: one namespace per domain, one async function per invoke channel
 * (`settings:update` → `parley.settings.update(patch)`), one `onX(cb) → unsubscribe` per event
 * (`ptt:state` → `parley.ptt.onState(cb)`).
 *
 * @example
 * const off = window.parley?.ptt.onState((s) => setTransmitting(s.transmitting));
 * const res = await window.parley?.settings.update({ ptt: { releaseDelayMs: 300 } });
 * if (res && !res.ok) showError(res.code);
 */
export type ParleyBridge = {
  readonly [D in Domain]: {
    readonly [C in InvokeChannel as DomainOf<C> extends D ? MethodOf<C> : never]: InvokeFn<C>;
  } & {
    readonly [E in EventChannel as DomainOf<E> extends D ? ListenerOf<E> : never]: (
      listener: (payload: EventPayload<E>) => void,
    ) => () => void;
  };
};
