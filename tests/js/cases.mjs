// Shared by the parity tests: the case tables the Python wrote (python -m rulebook.devtools.js_cases DIR,
// read from the folder named by RB_JS_CASES) and the site's scripts loaded as CommonJS modules.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../docs/assets");
const require = createRequire(import.meta.url);

// A script of docs/assets/ (rb-common.js, search-engine.js, check-engine.js) as Node loads it.
export function asset(name) {
  return require(path.join(ASSETS, name));
}

export function cases(name) {
  const dir = process.env.RB_JS_CASES;
  assert.ok(dir, "RB_JS_CASES is not set: write the case tables first (python -m rulebook.devtools.js_cases DIR)");
  return JSON.parse(readFileSync(path.join(dir, name), "utf8"));
}

// JSON.stringify that shows what JSON cannot (NaN, undefined) and escapes nothing else.
export function show(x) {
  return JSON.stringify(x, (k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v === undefined ? "undefined" : v));
}

// Every case's JavaScript answer (got(input)) against the Python's (want(case)); one failure lists each
// case that disagrees, naming its input (the first `shown` of them, and how many in all).
export function parity(t, list, got, want = (c) => c.output, name = (c) => show(c.input), shown = 25) {
  assert.ok(list.length > 0, "no cases: the table is empty");
  const bad = [];
  for (const c of list) {
    let answer;
    try {
      answer = got(c.input, c);
    } catch (err) {
      answer = "throws " + err;
    }
    try {
      assert.deepStrictEqual(answer, want(c));
    } catch {
      bad.push(`input ${name(c)}: JavaScript ${show(answer)}, Python ${show(want(c))}`);
    }
  }
  t.diagnostic(`${list.length} cases, ${bad.length} disagree`);
  assert.ok(bad.length === 0, `${bad.length} of ${list.length} cases disagree:\n` + bad.slice(0, shown).join("\n") +
    (bad.length > shown ? `\n… and ${bad.length - shown} more` : ""));
}

export const nanToNull = (x) => (typeof x === "number" && Number.isNaN(x) ? null : x);
