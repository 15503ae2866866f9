/**
 * A SIGINT, SIGTERM or SIGHUP that comes while the CLI's modules load and its
 * options are read, before `run()` listens, would end the process by the
 * signal, where the CLI promises exit code 0 (`--help`). src/cli.ts imports
 * this module before any other, so its listeners are there from the first
 * moment of the CLI's JavaScript (node's own start comes before: no listener
 * can be there); `run()` takes a signal they caught over as its own stop.
 * Only the CLI's entry imports it: a process that loads the CLI's modules
 * (a test calling `main()`) keeps its signals.
 */
export interface EarlyStop {
  /** Takes the listeners off; the first signal they caught, if any. */
  take(): NodeJS.Signals | undefined;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let caught: NodeJS.Signals | undefined;
const note = (signal: NodeJS.Signals): void => {
  caught ??= signal;
};
for (const signal of SIGNALS) process.on(signal, note);

export const earlyStop: EarlyStop = {
  take() {
    for (const signal of SIGNALS) process.off(signal, note);
    return caught;
  },
};
