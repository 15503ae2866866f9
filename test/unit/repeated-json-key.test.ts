import { repeatedJsonKey } from '../../src/repeated-json-key';

test.each<[string, string, (string | number)[] | undefined]>([
  ['no object', '[1, "a", null]', undefined],
  ['one key each', '{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}]}', undefined],
  ['a key at the top', '{"a": 1, "b": 2, "a": 3}', ['a']],
  ['in a list, in an object', '{"x": [0, {"y": {"k": 1, "k": 2}}]}', ['x', 1, 'y', 'k']],
  ['a value that looks like a key is no key', '{"a": "b", "b": "a"}', undefined],
  ['quotes, commas and braces inside strings', '{"a": "x\\",}{[\\"", "b": "\\\\", "a\\"": 1, "a": 2}', ['a']],
  ['an escaped key is the key it means', '{"\\u0061": 1, "a": 2}', ['a']],
  ['an escaped backslash before a quote ends the string', '{"a\\\\": 1, "a\\\\": 2}', ['a\\']],
  ['__proto__ twice', '{"__proto__": 1, "__proto__": 2}', ['__proto__']],
])('%s', (_, text, path) => {
  JSON.parse(text); // each case is JSON, as the doors hand it over
  expect(repeatedJsonKey(text)).toEqual(path);
});
