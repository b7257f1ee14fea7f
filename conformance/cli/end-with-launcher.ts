/**
 * When bin/cnxnspec.js runs the command in a child (a clone's tsx child, or `serve` with its node flags), the child
 * sits in a process group of its own, so that a Ctrl-C reaches it once, forwarded. A launcher killed outright
 * (SIGKILL, a crash) forwards nothing, and the child would go on serving or searching with nobody to stop it. The
 * launcher gives the child an IPC channel for this alone: when the channel closes, the launcher is gone, and the
 * child ends as if it had been sent SIGTERM (serve shuts down cleanly, test stops its suite).
 */

/** Installs the watch when this process has a launcher's channel. */
export function endWithLauncher(): void {
  const launched = process.env['CNXNSPEC_LAUNCHER_CHANNEL'] === '1';
  // Not for this process's own children, whose channels (if any) are to this process.
  delete process.env['CNXNSPEC_LAUNCHER_CHANNEL'];
  if (!launched || !process.channel) return;
  // The channel carries no messages and must not keep the command alive once it is done.
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
