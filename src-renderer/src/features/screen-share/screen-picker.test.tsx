import type { ScreenPickRequest, ScreenSource } from '@shared/ipc/contract';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { ScreenPickerDialog } from './ScreenPicker';
import { initialSelection, moveInGrid, pickerSections } from './screen-picker-model';

vi.mock('../../app/services', () => ({ settingsStore: { getState: () => ({ screenAudio: true }) } }));
vi.mock('../../platform/platform', () => ({ platform: () => ({ screenPicker: null }) }));

const src = (id: string, name: string, over: Partial<ScreenSource> = {}): ScreenSource => ({
  id,
  name,
  kind: id.startsWith('screen:') ? 'screen' : 'window',
  thumbnail: 'data:image/jpeg;base64,AQID',
  appIcon: null,
  ...over,
});
const editor = src('window:42:0', 'notes.txt — Editor', { appIcon: 'data:image/png;base64,Bw==' });
const screen1 = src('screen:0:0', 'Screen 1');
const screen2 = src('screen:1:0', 'Screen 2');
const request = (over: Partial<ScreenPickRequest> = {}): ScreenPickRequest => ({
  requestId: 'r1',
  sources: [editor, screen1, screen2],
  audioSupported: false,
  ...over,
});

describe('screen picker logic', () => {
  it('lists screens before windows and selects the first screen', () => {
    expect(pickerSections([editor, screen1, screen2]).all.map((s) => s.id)).toEqual(['screen:0:0', 'screen:1:0', 'window:42:0']);
    expect(initialSelection([editor, screen1])).toBe('screen:0:0');
    expect(initialSelection([editor])).toBe('window:42:0');
    expect(initialSelection([])).toBeNull();
  });

  it('moves through the grid with the arrow keys, row by row, without leaving it', () => {
    // 7 sources, 3 per row: 0 1 2 / 3 4 5 / 6
    expect(moveInGrid(7, 0, 'ArrowRight')).toBe(1);
    expect(moveInGrid(7, 1, 'ArrowDown')).toBe(4);
    expect(moveInGrid(7, 4, 'ArrowUp')).toBe(1);
    expect(moveInGrid(7, 0, 'ArrowLeft')).toBe(0);
    expect(moveInGrid(7, 5, 'ArrowDown')).toBe(5);
    expect(moveInGrid(7, 3, 'End')).toBe(6);
    expect(moveInGrid(7, 6, 'Home')).toBe(0);
    expect(moveInGrid(7, 2, 'ArrowDown', 2)).toBe(4);
    expect(moveInGrid(7, 2, 'Enter')).toBeNull();
    expect(moveInGrid(0, 0, 'ArrowRight')).toBeNull();
  });
});

describe('screen picker dialog', () => {
  const render = (r: ScreenPickRequest, defaultAudio = true) =>
    renderToStaticMarkup(<ScreenPickerDialog request={r} defaultAudio={defaultAudio} onAnswer={() => undefined} />);

  it('shows every source as a radio with its thumbnail and name, the first screen checked and focused first', () => {
    const html = render(request());
    expect(html).toContain('role="radiogroup" aria-label="Screens and windows"');
    expect(html.match(/role="radio"/g)).toHaveLength(3);
    expect(html).toMatch(/aria-checked="true" data-source-id="screen:0:0" data-autofocus="" tabindex="0"/);
    expect(html).toMatch(/aria-checked="false" data-source-id="window:42:0" tabindex="-1"/);
    expect(html).toContain('notes.txt — Editor');
    expect(html).toContain('Window: ');
    expect(html).toContain('src="data:image/png;base64,Bw=="');
    expect(html.indexOf('Screen 1')).toBeLessThan(html.indexOf('notes.txt'));
    expect(html).toContain('>Share</button>');
    expect(html).toContain('>Cancel</button>');
  });

  it('shows "Include audio" only where main can capture system audio, switched as the setting says', () => {
    expect(render(request())).not.toContain('Include audio');
    const on = render(request({ audioSupported: true }), true);
    expect(on).toContain('Include audio');
    expect(on).toMatch(/role="switch" class="switch" checked=""/);
    expect(render(request({ audioSupported: true }), false)).not.toMatch(/role="switch" class="switch" checked=""/);
  });

  it('when nothing can be shared, then it says so and Share is disabled', () => {
    const html = render(request({ sources: [] }));
    expect(html).toContain('No screens or windows can be shared right now.');
    expect(html).toMatch(/<button type="button" class="btn primary" disabled="">Share<\/button>/);
  });
});
