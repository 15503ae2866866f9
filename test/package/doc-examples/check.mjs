#!/usr/bin/env node
// Every ```ts block of README.md and docs/*.md type-checks against the types
// of the packed package, installed here by run.mjs: `pop3-mock` and
// `pop3-mock/jest` resolve to node_modules/pop3-mock/dist/*.d.mts, as in a
// consumer's ES module project (module "preserve", bundler resolution, as
// vitest or a bundler reads it; esm/ and dual-jest-types/ prove node16
// resolution). A renamed option or method, a wrong argument type or a call
// that no longer exists fails here, named by the doc file and line.
//
//   node test/package/run.mjs doc-examples      (build, pack, install here, check)
//   node test/package/doc-examples/check.mjs     (again, on the tarball installed here)
//
// The convention, for writers of the docs:
// - Each block is its own module, so two blocks may declare the same const;
//   top-level await is allowed (read a block as the body of a test).
// - A block may be a fragment: it is given what an earlier sentence
//   introduced (AMBIENT and STUB_MODULES below), for each name it does not declare:
//   every export of 'pop3-mock', `pop3` (a started Pop3Mock), `nodemailer`,
//   and the reader's own code the text names (`myFetchMail`, '../src/importer').
// - A block that imports from 'pop3-mock' itself gets none of its exports
//   from the preamble: its import line must name everything it uses, as a
//   reader who copies it will need.
// - jest's globals are there, and the matchers' types through
//   `import 'pop3-mock/jest';` in a .d.ts file, as the README advises.
// - A block that cannot be checked says why in an HTML comment on the line
//   before its fence: `<!-- not checked: reason -->`. Skips are printed and
//   counted; a marker before anything but a ```ts block is an error.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const started = Date.now();

/** The docs whose blocks are checked, as paths relative to the repository. */
const DOCS = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

/** The languages of the fences checked. */
const CHECKED_LANGS = new Set(['ts', 'typescript']);
const SKIP_MARKER = /^<!--\s*not checked:\s*(\S.*?)\s*-->$/;
const ANY_MARKER = /<!--\s*not\s+checked/i;

/** Names a fragment may use without declaring them: what an earlier sentence introduced. */
const AMBIENT = [
  { name: 'pop3', text: "declare const pop3: import('pop3-mock').Pop3Mock;" },
  { name: 'nodemailer', text: "import nodemailer from 'nodemailer';" },
  // The reader's own code (docs/TLS.md): a client with options as node-pop3's or tls.connect's.
  {
    name: 'myFetchMail',
    text: 'declare function myFetchMail(options: { port?: number; ca?: string }): Promise<void>;',
  },
];

/** Modules of the reader's own code that blocks import, by specifier. */
const STUB_MODULES = {
  // README.md's first example: the importer under test.
  '../src/importer':
    'export declare function fetchAndDelete(account: { host: string; port: number; user: string; password: string }): Promise<void>;',
};

/** A ```ts block: where it is and its text. */
function blocksOf(doc) {
  const lines = readFileSync(join(root, doc), 'utf8').split('\n');
  const blocks = [];
  const problems = [];
  let open;
  let marker;
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (open) {
      if (/^```\s*$/.test(line)) {
        if (CHECKED_LANGS.has(open.lang)) blocks.push({ ...open, end: lineNo });
        open = undefined;
      } else {
        open.lines.push(line);
      }
      return;
    }
    const fence = /^```(\w*)/.exec(line);
    if (fence) {
      if (marker && !CHECKED_LANGS.has(fence[1])) {
        problems.push(`${doc}:${marker.line}: a "not checked" marker before a \`\`\`${fence[1]} block`);
      }
      open = { doc, lang: fence[1], line: lineNo, lines: [], skip: marker?.reason };
      marker = undefined;
      return;
    }
    if (line.trim() === '') return;
    if (marker) problems.push(`${doc}:${marker.line}: a "not checked" marker not right before a block`);
    marker = undefined;
    const skip = SKIP_MARKER.exec(line.trim());
    if (skip) marker = { line: lineNo, reason: skip[1] };
    else if (ANY_MARKER.test(line))
      problems.push(`${doc}:${lineNo}: write the marker as <!-- not checked: reason -->`);
  });
  if (open) problems.push(`${doc}:${open.line}: the block is not closed`);
  if (marker) problems.push(`${doc}:${marker.line}: a "not checked" marker not right before a block`);
  return { blocks, problems };
}

/** The names a block declares at its top level, and the modules it imports. */
function declaredBy(text) {
  const source = ts.createSourceFile('block.ts', text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Set();
  const modules = new Set();
  const bind = (name) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      if (ts.isStringLiteral(statement.moduleSpecifier)) modules.add(statement.moduleSpecifier.text);
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add(e.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      names.add(statement.name.text);
    }
  }
  return { names, modules };
}

const options = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: ['node', 'jest'],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
};

/** The in-memory files: blocks, the matchers' .d.ts, stubs of the reader's code. */
const virtual = new Map();
const host = ts.createCompilerHost(options);
const readFile = host.readFile.bind(host);
const fileExists = host.fileExists.bind(host);
const getSourceFile = host.getSourceFile.bind(host);
host.getCurrentDirectory = () => here;
host.readFile = (file) => virtual.get(file) ?? readFile(file);
host.fileExists = (file) => virtual.has(file) || fileExists(file);
host.getSourceFile = (file, language, onError, shouldCreate) =>
  virtual.has(file)
    ? ts.createSourceFile(file, virtual.get(file), language, true)
    : getSourceFile(file, language, onError, shouldCreate);
const stubPath = (specifier) => join(here, 'stubs', `${specifier.replace(/[^\w]+/g, '_')}.ts`);
for (const [specifier, text] of Object.entries(STUB_MODULES)) virtual.set(stubPath(specifier), text);
host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions) =>
  literals.map((literal) =>
    Object.hasOwn(STUB_MODULES, literal.text)
      ? {
          resolvedModule: {
            resolvedFileName: stubPath(literal.text),
            extension: ts.Extension.Ts,
            isExternalLibraryImport: false,
          },
        }
      : ts.resolveModuleName(literal.text, containingFile, compilerOptions, host, undefined, redirected),
  );

// 1. What the installed package exports: the names a fragment is given.
const probe = join(here, 'probe.ts');
virtual.set(probe, "export * as pkg from 'pop3-mock';\n");
const probeProgram = ts.createProgram([probe], options, host);
const probeFile = probeProgram.getSourceFile(probe);
const specifier = probeFile.statements[0].moduleSpecifier;
const resolved = ts.resolveModuleName('pop3-mock', probe, options, host).resolvedModule;
if (!resolved?.resolvedFileName.startsWith(join(here, 'node_modules', 'pop3-mock'))) {
  process.stderr.write(
    `'pop3-mock' does not resolve to the tarball installed in ${relative(root, here)}/node_modules ` +
      `(${resolved?.resolvedFileName ?? 'not found'}): run npm run test:package\n`,
  );
  process.exit(2);
}
const checker = probeProgram.getTypeChecker();
const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(specifier)).map((symbol) => {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return { name: symbol.name, value: (target.flags & ts.SymbolFlags.Value) !== 0 };
});
const exportedNames = new Set(exported.map((e) => e.name));

// 2. One module per block: the block, then the preamble (imports and ambient
// declarations are hoisted, so the block's line n is the file's line n).
const problems = [];
const checked = [];
const skipped = [];
for (const doc of DOCS) {
  const found = blocksOf(doc);
  problems.push(...found.problems);
  for (const block of found.blocks) {
    if (block.skip !== undefined) {
      skipped.push(block);
      continue;
    }
    const text = block.lines.join('\n');
    const { names, modules } = declaredBy(text);
    const given = [];
    if (!modules.has('pop3-mock')) {
      const imports = exported
        .filter((e) => !names.has(e.name))
        .map((e) => (e.value ? e.name : `type ${e.name}`));
      given.push(`import { ${imports.join(', ')} } from 'pop3-mock';`);
    }
    for (const ambient of AMBIENT) if (!names.has(ambient.name)) given.push(ambient.text);
    const file = join(here, 'blocks', `${block.doc.replace(/\W+/g, '-')}-L${block.line}.ts`);
    virtual.set(file, `${text}\n${given.join('\n')}\nexport {};\n`);
    checked.push({ ...block, file, importsPackage: modules.has('pop3-mock') });
  }
}
const setup = join(here, 'blocks', 'pop3-matchers.d.ts');
virtual.set(setup, "import 'pop3-mock/jest';\n");

const program = ts.createProgram([setup, ...checked.map((b) => b.file)], options, host, probeProgram);

/** Where a diagnostic is, in the doc: `README.md:38:5`, and the doc's line. */
function located(diagnostic) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n    ');
  const at = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file : undefined;
  if (!at) return `error TS${diagnostic.code}: ${message}`;
  const { line, character } = at.getLineAndCharacterOfPosition(diagnostic.start);
  const block = checked.find((b) => b.file === at.fileName);
  if (!block)
    return `${relative(here, at.fileName)}:${line + 1}:${character + 1} error TS${diagnostic.code}: ${message}`;
  if (line >= block.lines.length) {
    return `${block.doc}:${block.line} (the block's preamble) error TS${diagnostic.code}: ${message}`;
  }
  const docLine = block.line + 1 + line;
  const name = /^Cannot find name '(\w+)'/.exec(message)?.[1];
  const hint =
    name && block.importsPackage && exportedNames.has(name)
      ? `\n    (the block imports from 'pop3-mock': name ${name} there too)`
      : '';
  return `${block.doc}:${docLine}:${character + 1} error TS${diagnostic.code}: ${message}${hint}\n    ${docLine} | ${block.lines[line]}`;
}

const diagnostics = [
  ...program.getOptionsDiagnostics(),
  ...program.getGlobalDiagnostics(),
  ...[setup, ...checked.map((b) => b.file)].flatMap((file) => {
    const source = program.getSourceFile(file);
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  }),
];
problems.push(...diagnostics.map(located));

const perDoc = DOCS.map((doc) => {
  const n = checked.filter((b) => b.doc === doc).length;
  const s = skipped.filter((b) => b.doc === doc).length;
  return n + s > 0 ? `${doc} ${n}${s > 0 ? ` (+${s} not checked)` : ''}` : undefined;
}).filter(Boolean);
process.stdout.write(
  `${checked.length} \`\`\`ts blocks checked against ${relative(here, resolved.resolvedFileName)}, ` +
    `${skipped.length} not checked (${((Date.now() - started) / 1000).toFixed(1)} s): ${perDoc.join(', ')}\n`,
);
for (const block of skipped)
  process.stdout.write(`  not checked: ${block.doc}:${block.line}: ${block.skip}\n`);
if (problems.length > 0) {
  process.stderr.write(
    `\n${problems.length} problem(s) in the docs' examples (the convention: ${relative(root, fileURLToPath(import.meta.url))}):\n\n${problems.join('\n\n')}\n`,
  );
  process.exitCode = 1;
}
