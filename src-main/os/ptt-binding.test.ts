import { describe, expect, it } from 'vitest';
import type { PttInput } from '@shared/ipc/settings';
import { createBindingCapture, createBindingMatcher, labelFor } from './ptt-binding';

const key = (code: number): PttInput => ({ type: 'key', code });
const mouse = (button: number): PttInput => ({ type: 'mouse', button });
const CTRL = 29;
const SHIFT = 42;
const F9 = 67;
const ESC = 1;

describe('binding matcher', () => {
  it('when every key of a combination is held, then the binding goes down; releasing any one brings it up', () => {
    const m = createBindingMatcher({ inputs: [key(CTRL), key(F9)], label: 'Ctrl+F9' });
    expect(m.feed(key(F9), true)).toBeNull();
    expect(m.feed(key(CTRL), true)).toBe('down');
    expect(m.feed(key(F9), true)).toBeNull(); // auto-repeat
    expect(m.feed(key(CTRL), false)).toBe('up');
    expect(m.feed(key(F9), false)).toBeNull();
  });

  it('when a bound mouse button is pressed, then the binding goes down', () => {
    const m = createBindingMatcher({ inputs: [mouse(4)], label: 'Mouse 4' });
    expect(m.feed(mouse(5), true)).toBeNull();
    expect(m.feed(mouse(4), true)).toBe('down');
    expect(m.feed(mouse(4), false)).toBe('up');
  });

  it('when there is no binding, then nothing ever activates', () => {
    const m = createBindingMatcher(null);
    expect(m.feed(key(F9), true)).toBeNull();
    expect(m.active).toBe(false);
  });
});

describe('binding capture (rebinding from the next press)', () => {
  it('when a combination is pressed and released, then all its keys become the binding, modifiers first', () => {
    const c = createBindingCapture();
    expect(c.feed(key(F9), true)).toBeNull();
    expect(c.feed(key(CTRL), true)).toBeNull();
    expect(c.feed(key(F9), false)).toEqual({ kind: 'captured', binding: { inputs: [key(F9), key(CTRL)], label: 'Ctrl+F9' } });
  });

  it('when a side mouse button is pressed, then it becomes the binding', () => {
    const c = createBindingCapture();
    c.feed(mouse(4), true);
    expect(c.feed(mouse(4), false)).toEqual({ kind: 'captured', binding: { inputs: [mouse(4)], label: 'Mouse 4' } });
  });

  it('when only the left button is clicked (the click that started rebinding), then it is ignored and capture continues', () => {
    const c = createBindingCapture();
    expect(c.feed(mouse(1), false)).toBeNull();
    c.feed(mouse(1), true);
    expect(c.feed(mouse(1), false)).toBeNull();
    c.feed(key(SHIFT), true);
    expect(c.feed(key(SHIFT), false)).toMatchObject({ kind: 'captured', binding: { label: 'Shift' } });
  });

  it('when Escape alone is pressed, then rebinding is cancelled', () => {
    const c = createBindingCapture();
    c.feed(key(ESC), true);
    expect(c.feed(key(ESC), false)).toEqual({ kind: 'cancelled' });
  });

  it('labels unknown keycodes readably', () => {
    expect(labelFor([key(9999), mouse(3)])).toBe('Key 9999+Mouse Middle');
  });
});
