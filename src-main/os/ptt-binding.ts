import type { PttBinding, PttInput } from '@shared/ipc/settings';
import { keyName, mouseButtonName } from './key-names';

/** Pure helpers turning raw hook events into "binding went down/up" and capturing a new binding from the next press. */

export const ESCAPE_KEYCODE = 1;
const MOUSE_LEFT = 1;
const MODIFIER_CODES = new Set([29, 3613, 56, 3640, 42, 54, 3675, 3676]);

export const inputKey = (input: PttInput): string => (input.type === 'key' ? `k${input.code}` : `m${input.button}`);

export const inputLabel = (input: PttInput): string => (input.type === 'key' ? keyName(input.code) : mouseButtonName(input.button));

/** Modifiers first, so "Ctrl+F9" rather than "F9+Ctrl" whatever order they were pressed in. */
export function labelFor(inputs: readonly PttInput[]): string {
  const isMod = (i: PttInput): boolean => i.type === 'key' && MODIFIER_CODES.has(i.code);
  const ordered = [...inputs.filter(isMod), ...inputs.filter((i) => !isMod(i))];
  return ordered.map(inputLabel).join('+').slice(0, 64);
}

export interface BindingMatcher {
  /** Feed one raw event; returns 'down'/'up' when the binding as a whole changes, otherwise null. */
  feed(input: PttInput, down: boolean): 'down' | 'up' | null;
  readonly held: PttInput[];
  readonly active: boolean;
  /** Forget everything held (after a hook restart we cannot know what is still down). */
  reset(): void;
}

export function createBindingMatcher(binding: PttBinding | null): BindingMatcher {
  const wanted = new Set((binding?.inputs ?? []).map(inputKey));
  const held = new Map<string, PttInput>();
  let active = false;

  return {
    feed(input, down) {
      const key = inputKey(input);
      if (down) held.set(key, input);
      else held.delete(key);
      const nowActive = wanted.size > 0 && [...wanted].every((k) => held.has(k));
      if (nowActive === active) return null;
      active = nowActive;
      return nowActive ? 'down' : 'up';
    },
    get held() {
      return [...held.values()];
    },
    get active() {
      return active;
    },
    reset() {
      held.clear();
      active = false;
    },
  };
}

export type CaptureResult = { kind: 'captured'; binding: PttBinding } | { kind: 'cancelled' } | null;

/**
 * Rebinding: everything pressed until the first release becomes the binding (so Ctrl, then F9, then release → Ctrl+F9).
 * Escape alone cancels. A lone left click is ignored: it is how the user pressed "rebind" in the first place,
 * and binding it would make the app unusable.
 */
export function createBindingCapture(): { feed(input: PttInput, down: boolean): CaptureResult } {
  const pressed = new Map<string, PttInput>();
  return {
    feed(input, down) {
      const key = inputKey(input);
      if (down) {
        if (!pressed.has(key) && pressed.size < 4) pressed.set(key, input);
        return null;
      }
      if (!pressed.has(key)) return null; // a release of something held before capture began
      const inputs = [...pressed.values()];
      pressed.clear();
      const only = inputs.length === 1 ? inputs[0] : undefined;
      if (only?.type === 'key' && only.code === ESCAPE_KEYCODE) return { kind: 'cancelled' };
      if (only?.type === 'mouse' && only.button === MOUSE_LEFT) return null;
      return { kind: 'captured', binding: { inputs, label: labelFor(inputs) } };
    },
  };
}
