import { describe, expect, it, vi } from 'vitest';
import { copyText } from './copy';

function field() {
  return { focus: vi.fn(), select: vi.fn() } as unknown as HTMLInputElement & {
    focus: ReturnType<typeof vi.fn>;
    select: ReturnType<typeof vi.fn>;
  };
}

describe('copyText', () => {
  it('writes the text to the clipboard and leaves the field alone', async () => {
    const writeText = vi.fn(async () => undefined);
    const input = field();
    expect(await copyText('https://chat.example/invite/abc', input, { writeText })).toBe('copied');
    expect(writeText).toHaveBeenCalledWith('https://chat.example/invite/abc');
    expect(input.select).not.toHaveBeenCalled();
  });

  it('selects the field when the page has no clipboard (plain http is not a secure context)', async () => {
    const input = field();
    expect(await copyText('secret', input, undefined)).toBe('selected');
    expect(input.focus).toHaveBeenCalled();
    expect(input.select).toHaveBeenCalled();
  });

  it('selects the field when the clipboard refuses the write', async () => {
    const input = field();
    const writeText = vi.fn(async () => {
      throw new DOMException('Write permission denied.', 'NotAllowedError');
    });
    expect(await copyText('secret', input, { writeText })).toBe('selected');
    expect(input.select).toHaveBeenCalled();
  });
});
