import type { ScreenSource } from '@shared/ipc/contract';

/**
 * The screen picker's logic, without React: screens first then windows (as Discord and the OS pickers show them), which
 * one is selected at first, and where the arrow keys move in the grid of thumbnails.
 */

export interface PickerSections {
  screens: ScreenSource[];
  windows: ScreenSource[];
  /** screens then windows: the order arrow keys walk. */
  all: ScreenSource[];
}

export function pickerSections(sources: readonly ScreenSource[]): PickerSections {
  const screens = sources.filter((s) => s.kind === 'screen');
  const windows = sources.filter((s) => s.kind === 'window');
  return { screens, windows, all: [...screens, ...windows] };
}

/** The first screen (what most people share), else the first window, else nothing. */
export function initialSelection(sources: readonly ScreenSource[]): string | null {
  return pickerSections(sources).all[0]?.id ?? null;
}

/** Thumbnails per row in the picker grid (the CSS uses the same number). */
export const PICKER_COLUMNS = 3;

/**
 * The index the arrow key moves to in a list laid out `columns` per row, or null when the key is not an arrow or the
 * move would leave the list (the selection then stays where it is). Home/End go to the first and last.
 */
export function moveInGrid(count: number, current: number, key: string, columns = PICKER_COLUMNS): number | null {
  if (count === 0) return null;
  const from = current < 0 ? 0 : current;
  const target =
    key === 'ArrowRight'
      ? from + 1
      : key === 'ArrowLeft'
        ? from - 1
        : key === 'ArrowDown'
          ? from + columns
          : key === 'ArrowUp'
            ? from - columns
            : key === 'Home'
              ? 0
              : key === 'End'
                ? count - 1
                : null;
  if (target === null) return null;
  if (target < 0 || target >= count) return from;
  return target;
}
