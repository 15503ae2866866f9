// The layers of src/ and who may import whom (npm run lint:deps).
// docs/ARCHITECTURE.md says what each folder holds. Type-only imports count:
// a layer that needs another's types depends on it all the same.

/** The server core: src/server/. The assembly (src/assembly/) wires control, view and SMTP intake in. */
const SERVER_CORE = '^src/server/';
const SMTP_INTAKE = '^src/smtp/';

/** A rule: no module under `from` imports one under `to` (paths, or restrictions such as SERVER_CORE). */
const forbid = (name, comment, from, to) => ({
  name,
  comment,
  severity: 'error',
  from: typeof from === 'string' ? { path: from } : from,
  to: { path: to },
});

module.exports = {
  forbidden: [
    forbid(
      'server-core-not-control',
      'src/assembly wires the control channel in.',
      SERVER_CORE,
      '^src/control/',
    ),
    forbid('server-core-not-ui', 'src/assembly wires the browser view in.', SERVER_CORE, '^src/ui/'),
    forbid('server-core-not-smtp', 'src/assembly wires the SMTP intake in.', SERVER_CORE, SMTP_INTAKE),
    forbid(
      'session-not-control-or-ui',
      'A session runs without them.',
      '^src/session/',
      '^src/(control|ui)/',
    ),
    forbid(
      'below-session-not-session',
      'Sessions use transcripts, protocol, dialects and faults, not the other way round.',
      '^src/(transcript|protocol|dialects|faults)/',
      '^src/session/',
    ),
    forbid(
      'protocol-not-server',
      'The protocol knows no listening server.',
      '^src/protocol/',
      '^src/server/',
    ),
    forbid('mailbox-stands-alone', 'Mailboxes are data.', '^src/mailbox/', '^src/(session|protocol|faults)/'),
    forbid(
      'dialects-not-protocol',
      'Dialects are data the protocol reads.',
      '^src/dialects/',
      '^src/protocol/',
    ),
    forbid(
      'capabilities-below-protocol-and-dialects',
      'CAPA data is shared by the protocol and the dialects, so it imports neither.',
      '^src/capabilities/',
      '^src/(protocol|dialects|session|faults|transcript|server)/',
    ),
    forbid('faults-not-server', 'Fault rules act on sessions.', '^src/faults/', '^src/server/'),
    forbid('testing-not-cli', 'The test helpers start servers in process.', '^src/testing/', '^src/cli/'),
    {
      name: 'resolvable',
      comment: 'Every import resolves; an unresolved one would slip past every rule above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders import each other one way only.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Only src/ is judged: packages are leaves, never crawled.
    exclude: { path: '^(node_modules|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count (see the top of this file).
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      // .d.ts: src/jest-global.d.ts, imported as '../jest-global.js'.
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    skipAnalysisNotInRules: true,
    // Re-reads only changed files: about 1 s instead of 2-4 s on a busy machine.
    cache: { folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content' },
  },
};
