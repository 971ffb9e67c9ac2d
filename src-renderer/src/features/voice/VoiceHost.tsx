import { lazy, Suspense } from 'react';
import { useVoice } from '../../app/services';
import { useSoundCues } from './useSoundCues';

/**
 * livekit-client and @livekit/components-react are only needed once you join voice: they live in their own chunk,
 * fetched on the first join, so the first screen loads without them.
 */
const VoiceSession = lazy(() => import('./VoiceSession'));

export function VoiceHost() {
  useSoundCues();
  const active = useVoice((s) => s.target !== null || s.current !== null || s.connection !== 'idle');
  if (!active) return null;
  return (
    <Suspense fallback={null}>
      <VoiceSession />
    </Suspense>
  );
}
