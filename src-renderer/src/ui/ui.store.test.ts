import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUiStore, TOAST_RESUME_MS } from './ui.store';

describe('ui store: notices', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const texts = (store: ReturnType<typeof createUiStore>) => store.getState().toasts.map((t) => t.text);

  it('when a notice is shown, then it goes after its time; at most four are kept', () => {
    const store = createUiStore();
    store.getState().toast('info', 'one', 1000);
    vi.advanceTimersByTime(999);
    expect(texts(store)).toEqual(['one']);
    vi.advanceTimersByTime(1);
    expect(texts(store)).toEqual([]);
    for (const t of ['a', 'b', 'c', 'd', 'e']) store.getState().toast('info', t);
    expect(texts(store)).toEqual(['b', 'c', 'd', 'e']);
  });

  it('when the notices are held (pointer or focus on them), then none goes; once released, those overdue stay a little longer', () => {
    const store = createUiStore();
    store.getState().toast('error', 'long error', 1000);
    store.getState().toast('info', 'later', 10_000);
    store.getState().holdToasts(true);
    vi.advanceTimersByTime(5000);
    expect(texts(store)).toEqual(['long error', 'later']);

    store.getState().holdToasts(false);
    vi.advanceTimersByTime(TOAST_RESUME_MS - 1);
    expect(texts(store)).toEqual(['long error', 'later']);
    // Held again before that: still kept.
    store.getState().holdToasts(true);
    vi.advanceTimersByTime(10);
    expect(texts(store)).toEqual(['long error', 'later']);
    store.getState().holdToasts(false);
    vi.advanceTimersByTime(TOAST_RESUME_MS);
    expect(texts(store)).toEqual(['later']);
    vi.advanceTimersByTime(10_000);
    expect(texts(store)).toEqual([]);
  });

  it('when a held notice is dismissed by hand, then releasing does not bring anything back', () => {
    const store = createUiStore();
    store.getState().toast('info', 'x', 1000);
    store.getState().holdToasts(true);
    vi.advanceTimersByTime(2000);
    store.getState().dismiss(store.getState().toasts[0]!.id);
    store.getState().holdToasts(false);
    vi.advanceTimersByTime(TOAST_RESUME_MS);
    expect(texts(store)).toEqual([]);
  });
});
