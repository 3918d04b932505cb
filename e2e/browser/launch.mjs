// The browser both scripts drive: the machine's own chromium, from its package manager (CHROMIUM,
// found by the Go test; Debian's /usr/bin/chromium by default), never a browser playwright
// downloads. The flags keep it off the network it would otherwise reach for on its own.
import { chromium } from 'playwright-core';

export function launch(userDataDir, options = {}) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ...options,
  });
}
