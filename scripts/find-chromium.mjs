#!/usr/bin/env node
// Finds a Chromium or Chrome for the end-to-end tests: CHROMIUM_PATH first, then the usual places.
// With --check it prints where it found one, or one sentence on how to get one, and exits 1.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

export const INSTALL_HINT =
  'No Chromium or Chrome found: install one (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROMIUM_PATH to its executable.';

/** @returns {string | null} */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv.includes('--check')) {
  const found = findChromium();
  if (found) {
    console.log(`End-to-end tests use ${found}`);
  } else {
    const envNote = process.env.CHROMIUM_PATH
      ? ` (CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist)`
      : '';
    console.error(INSTALL_HINT + envNote);
    process.exit(1);
  }
}
