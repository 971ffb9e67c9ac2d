import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { authStore } from './app/services';
// Noto Color Emoji split by unicode-range: the browser fetches only the subsets a page's emoji need (Linux often has
// no colour emoji font at all). Last in the font stack (styles/app.css), so text never comes from it.
import '@fontsource/noto-color-emoji';
import './styles/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void authStore.getState().restore();
