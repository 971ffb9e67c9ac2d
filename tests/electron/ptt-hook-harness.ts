/**
 * Child-process harness around our real push-to-talk module and the real uiohook-napi hook.
 *
 * Why a child process: libuiohook keeps an X connection open even after `stop()`, and Xlib calls exit() when that
 * server goes away — so the process that owns the hook must end BEFORE the test's Xvfb is stopped. Keeping the hook
 * out of the vitest worker (and the benchmark's own process) makes that ordering explicit.
 *
 * Protocol: JSON lines. stdin: {"cmd":"apply","settings":…} | {"cmd":"capture"} | {"cmd":"quit"}.
 * stdout: {"type":"ready"} | {"type":"applied","diagnostics":…} | {"type":"input",…,"t"} | {"type":"state",…,"t"}
 * | {"type":"captured","binding":…} | {"type":"notice",…}. `t` is epoch milliseconds with sub-ms precision,
 * comparable with the parent's `performance.timeOrigin + performance.now()`.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type * as UiohookModule from 'uiohook-napi';
import { pttSettingsSchema } from '@shared/ipc/settings';
import { systemClock } from '../../src-main/clock';
import type { Log } from '../../src-main/log';
import { detectHookSupport, fallbackCommands } from '../../src-main/os/hook-support';
import type { InputHook } from '../../src-main/os/push-to-talk';
import { createPushToTalk } from '../../src-main/os/push-to-talk';
import { createUiohookInput } from '../../src-main/os/uiohook-input';
import { canReachX11 } from '../../src-main/os/x11-probe';

const now = (): number => performance.timeOrigin + performance.now();
const emit = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};
const silent: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const require = createRequire(import.meta.url);

/** Records when each raw hook event reached us, so the parent can check the release delay against it. */
function tap(hook: InputHook): InputHook {
  return {
    start(listener) {
      hook.start((input, down) => {
        emit({ type: 'input', input, down, t: now() });
        listener(input, down);
      });
    },
    stop: () => hook.stop(),
  };
}

const ptt = createPushToTalk({
  loadHook: () => tap(createUiohookInput((require('uiohook-napi') as typeof UiohookModule).uIOhook)),
  detectSupport: () =>
    detectHookSupport({
      platform: process.platform,
      env: process.env,
      canReachX11: (d) => canReachX11(d),
      isTrustedAccessibilityClient: () => true,
      executable: 'parley',
    }),
  clock: systemClock,
  log: silent,
  fallbackCommands: fallbackCommands('parley'),
  onState: (state) => emit({ type: 'state', ...state, t: now() }),
  onDiagnostics: () => {},
  onCaptured: (binding) => emit({ type: 'captured', binding }),
  onNotice: (notice) => emit({ type: 'notice', ...notice }),
});

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  void (async () => {
    const message = JSON.parse(line) as { cmd: string; settings?: unknown };
    if (message.cmd === 'apply') {
      await ptt.apply(pttSettingsSchema.parse(message.settings));
      emit({ type: 'applied', diagnostics: ptt.diagnostics() });
    } else if (message.cmd === 'capture') {
      await ptt.startCapture();
      emit({ type: 'capturing', diagnostics: ptt.diagnostics() });
    } else if (message.cmd === 'quit') {
      ptt.dispose();
      process.exit(0);
    }
  })();
});
lines.on('close', () => {
  ptt.dispose();
  process.exit(0);
});
emit({ type: 'ready' });
