import type { UiohookKeyboardEvent, UiohookMouseEvent, uIOhook } from 'uiohook-napi';
import type { PttInput } from '@shared/ipc/settings';
import type { InputHook } from './push-to-talk';

type Uiohook = typeof uIOhook;

/**
 * Adapts uiohook-napi to our InputHook: only presses and releases of keys and mouse buttons are subscribed
 * (never mouse moves or wheel, which would wake the main process on every pointer motion).
 */
export function createUiohookInput(hook: Uiohook): InputHook {
  let listener: ((input: PttInput, down: boolean) => void) | null = null;
  const key = (down: boolean) => (e: UiohookKeyboardEvent) => listener?.({ type: 'key', code: e.keycode }, down);
  const mouse = (down: boolean) => (e: UiohookMouseEvent) => {
    const button = Number(e.button);
    if (Number.isInteger(button) && button >= 1 && button <= 16) listener?.({ type: 'mouse', button }, down);
  };
  const keydown = key(true);
  const keyup = key(false);
  const mousedown = mouse(true);
  const mouseup = mouse(false);

  return {
    start(next) {
      listener = next;
      hook.on('keydown', keydown);
      hook.on('keyup', keyup);
      hook.on('mousedown', mousedown);
      hook.on('mouseup', mouseup);
      try {
        hook.start();
      } catch (error) {
        this.stop();
        throw error;
      }
    },
    stop() {
      hook.off('keydown', keydown);
      hook.off('keyup', keyup);
      hook.off('mousedown', mousedown);
      hook.off('mouseup', mouseup);
      listener = null;
      hook.stop();
    },
  };
}
