import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { authStore } from './app/services';
// Noto Color Emoji, split by unicode-range: Linux often has no colour emoji font at all (see the file for why it is
// declared by us rather than imported from @fontsource's CSS).
import './styles/emoji-font.css';
import './styles/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void authStore.getState().restore();
