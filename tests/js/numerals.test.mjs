// Chinese numerals and 第X条 labels: rb-common.js (and the engines that use it) against
// rulebook/model/numerals.py cn_to_int, int_to_cn, article_number.
import { test } from "node:test";
import { asset, cases, nanToNull, parity } from "./cases.mjs";

const common = asset("rb-common.js");
const search = asset("search-engine.js");
const check = asset("check-engine.js");
const numerals = cases("numerals.json");
const labels = cases("article_labels.json");

test("cn_to_int: rbCommon.cnToInt", (t) => {
  parity(t, numerals.cn_to_int, (s) => nanToNull(common.cnToInt(s)));
});

test("cn_to_int: rbCheck.cnToInt (the splitter's and the quantities')", (t) => {
  parity(t, numerals.cn_to_int, (s) => nanToNull(check.cnToInt(s)));
});

test("int_to_cn: rbCommon.intToCn", (t) => {
  parity(t, numerals.int_to_cn, (n) => common.intToCn(n));
});

test("article_number: rbCommon.articleNumber and rbSearch.articleNumber", (t) => {
  parity(t, labels, (n) => common.articleNumber(n));
  parity(t, labels, (n) => search.articleNumber(n));
});
