import { BIG, EXPECTED, stuff } from './fixtures';
const s = stuff(EXPECTED[4]!);
console.log(BIG.length, EXPECTED[4]!.length, s.length, s.length % 65536, EXPECTED.map(e=>e.length));
test('x',()=>{});
