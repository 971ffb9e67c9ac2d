import { z } from 'zod';

/**
 * Desktop settings, persisted by the main process in one JSON file in userData.
 * Shared because the renderer's settings view reads and patches them over the bridge.
 */

/** One physical input of a push-to-talk binding: a uiohook keycode or a mouse button (1 left, 2 right, 3 middle, 4/5 side). */
export const pttInputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('key'), code: z.number().int().min(1).max(0xffff) }),
  z.object({ type: z.literal('mouse'), button: z.number().int().min(1).max(16) }),
]);
export type PttInput = z.infer<typeof pttInputSchema>;

/** A binding is active while every one of its inputs is held (so a combination is just several inputs). */
export const pttBindingSchema = z.object({
  inputs: z.array(pttInputSchema).min(1).max(4),
  label: z.string().min(1).max(64),
});
export type PttBinding = z.infer<typeof pttBindingSchema>;

export const RELEASE_DELAY_MAX_MS = 2000;
export const MAX_HOLD_LIMIT_MS = 60 * 60 * 1000;

export const pttSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  mode: z.enum(['hold', 'toggle']).default('hold'),
  binding: pttBindingSchema.nullable().default(null),
  releaseDelayMs: z.number().int().min(0).max(RELEASE_DELAY_MAX_MS).default(200),
  /** Transmission stops after this long even if the key is still down (a stuck key or a forgotten toggle). */
  maxHoldMs: z
    .number()
    .int()
    .min(5_000)
    .max(MAX_HOLD_LIMIT_MS)
    .default(10 * 60 * 1000),
});
export type PttSettings = z.infer<typeof pttSettingsSchema>;

/** Electron accelerator strings (e.g. "CommandOrControl+Shift+M"); null disables the hotkey. */
const acceleratorSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9+]+$/, 'not an accelerator')
  .nullable();

export const hotkeySettingsSchema = z.object({
  toggleMute: acceleratorSchema.default('CommandOrControl+Shift+M'),
  toggleDeafen: acceleratorSchema.default('CommandOrControl+Shift+D'),
});

export const windowStateSchema = z.object({
  bounds: z
    .object({ x: z.number().int(), y: z.number().int(), width: z.number().int().min(200), height: z.number().int().min(200) })
    .nullable()
    .default(null),
  maximized: z.boolean().default(false),
});

export const settingsSchema = z.object({
  version: z.literal(1).default(1),
  closeToTray: z.boolean().default(true),
  startOnLogin: z.boolean().default(false),
  notifications: z.object({ mentions: z.boolean().default(true) }).default({ mentions: true }),
  ptt: pttSettingsSchema.default(() => pttSettingsSchema.parse({})),
  hotkeys: hotkeySettingsSchema.default(() => hotkeySettingsSchema.parse({})),
  window: windowStateSchema.default(() => windowStateSchema.parse({})),
});
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings = (): Settings => settingsSchema.parse({});

/** What the renderer may change. Window geometry is main-owned and not patchable. Each section is a shallow partial. */
export const settingsPatchSchema = z
  .object({
    closeToTray: z.boolean(),
    startOnLogin: z.boolean(),
    notifications: z.object({ mentions: z.boolean() }).partial(),
    ptt: z
      .object({
        enabled: z.boolean(),
        mode: z.enum(['hold', 'toggle']),
        binding: pttBindingSchema.nullable(),
        releaseDelayMs: z.number().int().min(0).max(RELEASE_DELAY_MAX_MS),
        maxHoldMs: z.number().int().min(5_000).max(MAX_HOLD_LIMIT_MS),
      })
      .partial(),
    hotkeys: z.object({ toggleMute: acceleratorSchema, toggleDeafen: acceleratorSchema }).partial(),
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
