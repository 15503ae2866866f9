// The idle fault rule set of (f): ten active rules that never match the
// session script of (b), built with the package's `on(verb, ...args)` builder.
// Shared by overhead.mjs and recorder-instructions.mjs --faults.

/** The rules, built with `on` (the package's export); throws when the build has no builder. */
export function idleRules(pkg) {
  const on = pkg.on ?? pkg.faults?.on;
  if (typeof on !== 'function') throw new Error('no `on` rule builder exported');
  return [
    on('RETR', '999').reply('-ERR [SYS/TEMP] never'),
    on('LIST', '999').reply('-ERR never'),
    on('TOP').reply('-ERR never'),
    on('APOP').reply('-ERR never'),
    on('DELE').reply('-ERR never'),
    on('NOOP').delay(1000),
    on('RSET').hang(),
    on('CAPA').reply('-ERR never'),
    on('AUTH').reply('-ERR never'),
    on('STLS').reply('-ERR never'),
  ];
}
