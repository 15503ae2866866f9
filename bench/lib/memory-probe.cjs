// Loaded into the CLI's process by bench/soak.mjs (`node --expose-gc --require
// bench/lib/memory-probe.cjs dist/cli.js ...`), never by the package: answers
// { id, op: 'memory' } over the IPC channel with the process's memory after a
// full garbage collection, so the soak can tell retained objects from V8's
// heap sizing. The channel is unref'd: it never keeps the CLI alive.
if (typeof process.send === 'function') {
  process.on('message', (msg) => {
    if (msg?.op !== 'memory') return;
    globalThis.gc();
    // A second collection after weak callbacks and finalizers have run.
    setImmediate(() => {
      globalThis.gc();
      const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
      process.send({ id: msg.id, result: { rss, heapUsed, external, arrayBuffers } });
    });
  });
  process.channel.unref();
}
