/** How often the parent is looked at: a dead parent is noticed within this time. */
export const PARENT_POLL_MS = 250;

/**
 * Calls `onGone` once when the process that started this one has ended, so a
 * CLI whose test runner was SIGKILLed (or whose `npx` got SIGTERM) does not
 * serve on forever under init.
 *
 * Polling, because no event exists for it: Node has no prctl(PR_SET_PDEATHSIG),
 * and stdin's end only tells when the parent chose to pipe it. Two looks per
 * poll: `process.ppid` changes when the orphan is re-parented (Linux, macOS:
 * exact, immune to pid reuse), and `process.kill(ppid, 0)` fails with ESRCH
 * where nothing re-parents (Windows). The interval is unref'd: it never keeps
 * the process alive by itself. A process started by init (ppid 1) has no
 * parent to follow and is not watched.
 */
export function watchParent(onGone: () => void, intervalMs = PARENT_POLL_MS): () => void {
  const parent = process.ppid;
  if (parent <= 1) return () => {};
  const timer = setInterval(() => {
    if (process.ppid === parent && isAlive(parent)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; only ESRCH means gone.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Calls `onClosed` once when standard input ends (`--exit-on-stdin-close`):
 * the convention of test harnesses that hold the child's stdin open for as
 * long as they want it alive. Whatever arrives on stdin is read and dropped.
 */
export function watchStdin(onClosed: () => void, stdin: NodeJS.ReadableStream = process.stdin): () => void {
  let done = false;
  const closed = () => {
    if (done) return;
    done = true;
    onClosed();
  };
  const drop = () => {};
  stdin.on('data', drop);
  stdin.once('end', closed);
  stdin.once('close', closed);
  stdin.once('error', closed);
  stdin.resume();
  return () => {
    done = true;
    stdin.off('data', drop);
    stdin.off('end', closed);
    stdin.off('close', closed);
    stdin.off('error', closed);
    stdin.pause();
  };
}
