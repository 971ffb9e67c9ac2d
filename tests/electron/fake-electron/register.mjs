// `node --import ./register.mjs out/main/index.js`: resolves `electron` to the in-process fake below.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
