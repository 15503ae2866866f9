// The package's names as the source writes them: every exported function or
// class is named as it is exported, and what a server hands out (the server,
// a session record, an error) prints its class's name (console.log, jest's
// messages). esbuild renames a function or class whose name another module
// of the bundle uses too (`string2`); tsup's `keepNames` would name them back
// at a cost to every session (bench/README.md). Used by the node-test
// (CommonJS) and esm consumers.

/** What is misnamed in `modules` (entry point to its exports) and `objects` (class name to an instance), one line each. */
exports.misnamed = (modules, objects) => {
  const found = [];
  for (const [entry, exported] of Object.entries(modules)) {
    for (const [key, value] of Object.entries(exported)) {
      // A default export is named as the source names it; the named export beside it is checked.
      if (key !== 'default' && typeof value === 'function' && value.name !== key) {
        found.push(`${entry}: the export ${key} is named ${JSON.stringify(value.name)}`);
      }
    }
  }
  for (const [name, object] of Object.entries(objects)) {
    if (object?.constructor?.name !== name) {
      found.push(`a ${name} is an instance of ${JSON.stringify(object?.constructor?.name)}`);
    }
  }
  return found;
};

/** A server, one recorded session and errors it throws, by the class names they must print. */
exports.objectsOf = async ({ startPop3Mock, on }) => {
  const pop3 = await startPop3Mock({ users: { alice: 'secret' } });
  try {
    const net = require('node:net');
    await new Promise((resolve, reject) => {
      const socket = net.connect(pop3.port, pop3.host, () => socket.end('QUIT\r\n'));
      socket.on('error', reject).on('close', resolve).resume();
    });
    const record = await pop3.sessionEnd();
    const caught = (run) => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    return {
      Pop3Mock: pop3,
      SessionRecord: record,
      FaultBuilder: on('RETR'),
      InputError: await startPop3Mock({ port: 'none' }).catch((error) => error),
      VerificationError: caught(() => pop3.verify('RETR 1')),
      NotFoundError: caught(() => pop3.mailbox('nobody')),
    };
  } finally {
    await pop3.close();
  }
};
