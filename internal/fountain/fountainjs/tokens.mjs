// Prints fountain-js's tokens for one .fountain file as one JSON array, in document order, for
// compare_test.go. Token text is fountain-js's own: it keeps emphasis, inline notes and escapes as
// written (only its HTML rendering interprets them), so the test compares markup as written.
import { readFileSync } from 'node:fs';
import { Fountain } from 'fountain-js';

const file = process.argv[2];
if (!file) {
  console.error('usage: node tokens.mjs FILE.fountain');
  process.exit(2);
}

const { tokens } = new Fountain().parse(readFileSync(file, 'utf8'), true);
const out = tokens.map((t) => {
  const o = { type: t.type };
  if (t.is_title) o.title = true;
  if (t.text !== undefined) o.text = t.text;
  if (t.depth !== undefined) o.depth = t.depth;
  if (t.scene_number !== undefined) o.scene_number = t.scene_number;
  if (t.dual !== undefined) o.dual = t.dual;
  return o;
});
process.stdout.write(JSON.stringify(out) + '\n');
