import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Occupant } from './useVoiceOccupants';
import { VoiceUserIcons } from './VoiceUserIcons';

const quiet: Occupant = {
  userId: 'a'.repeat(24),
  name: 'Ada',
  avatar: null,
  isSelf: false,
  speaking: false,
  muted: false,
  deaf: false,
  serverMute: false,
  serverDeaf: false,
  video: false,
  streaming: false,
  viewers: 0,
  cannotSpeak: false,
};

describe('voice user icons', () => {
  it('when a member streams and has the camera on, then a LIVE badge and a camera are shown with accessible names', () => {
    const html = renderToStaticMarkup(<VoiceUserIcons occupant={{ ...quiet, video: true, streaming: true }} size={14} />);
    expect(html).toContain('aria-label="Live: sharing their screen"');
    expect(html).toContain('>LIVE<');
    expect(html).toContain('aria-label="Camera on"');
    expect(renderToStaticMarkup(<VoiceUserIcons occupant={{ ...quiet, streaming: true, viewers: 2 }} size={14} />)).toContain(
      'aria-label="Live: sharing their screen, 2 watching"',
    );
  });

  it('when a member publishes neither, then neither mark is shown', () => {
    const html = renderToStaticMarkup(<VoiceUserIcons occupant={quiet} size={14} />);
    expect(html).not.toContain('LIVE');
    expect(html).not.toContain('Camera on');
  });

  it("when a member has no SPEAK in the channel, then a microphone-off mark says so; a moderator's mute and a self mute keep their own names", () => {
    const html = renderToStaticMarkup(<VoiceUserIcons occupant={{ ...quiet, cannotSpeak: true }} size={14} />);
    expect(html).toContain('aria-label="No permission to speak here"');
    expect(
      renderToStaticMarkup(<VoiceUserIcons occupant={{ ...quiet, cannotSpeak: true, muted: true, serverMute: true }} size={14} />),
    ).toContain('aria-label="Server muted"');
    expect(renderToStaticMarkup(<VoiceUserIcons occupant={{ ...quiet, muted: true }} size={14} />)).toContain('aria-label="Muted"');
    expect(renderToStaticMarkup(<VoiceUserIcons occupant={quiet} size={14} />)).not.toContain('Muted');
  });
});
