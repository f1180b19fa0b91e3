/**
 * A template's regular expressions (a parameter's AllowedPattern) run in RE2's linear-time engine
 * (re2js), never in JavaScript's backtracking one: `(a+)+$` against 34 `a`s and a `!` took minutes.
 *
 * CloudFormation reads them as Java regular expressions, matched against the whole value. Java
 * syntax RE2 lacks is translated where RE2 has the same meaning: `\p{Alpha}` and the other POSIX
 * `\p{…}` classes, `\p{IsLatin}` (the `Is` prefix), `\uXXXX`, octal `\0nnn`, `\e`, `\cX`, `\h`,
 * `\v`, and `\s` (Java's includes \x0B). Java syntax with no linear-time equivalent is refused
 * with its name: back references, lookaround, atomic groups, possessive quantifiers, class
 * intersection (`&&`) and nested classes, `\Z`, `\G`, `\R`, `\X`, and the flags x, u, d, U.
 * Not translated: Java's `.` also excludes \r, \u0085, \u2028 and \u2029 (RE2's only \n).
 */
import type { RE2JS as Engine } from 're2js';

// Required on first use: only a template with an AllowedPattern needs it (loading re2js costs ~9 ms of every command).
let engine: typeof Engine | undefined;
const RE2JS = (): typeof Engine => (engine ??= (require('re2js') as typeof import('re2js')).RE2JS);

/**
 * A compiled pattern, or why it cannot be checked here. `matches` spends `budget`, and is
 * undefined (not checked, counted in `budget.skipped`) once the budget cannot pay for the match.
 */
export type TemplatePattern = { matches(value: string, budget: PatternBudget): boolean | undefined } | { unsupported: string };

/**
 * Most steps the AllowedPattern checks of one template (one validate or render call) take in all,
 * a fraction of a second: a match costs program instructions × (characters + 1), compiling
 * COMPILE_STEPS per instruction. A budget per match let 200 parameters take a minute.
 */
export const MAX_PATTERN_STEPS = 10_000_000;

/** Compiling an instruction takes as long as about this many match steps (re2js, measured). */
const COMPILE_STEPS = 100;

/** What is left of one template's MAX_PATTERN_STEPS, and how many values went unchecked when it ran out. */
export interface PatternBudget {
  left: number;
  skipped: number;
}

/** Why values past the budget are not checked, for messages. */
export const patternBudgetSpent = `this tool spends at most ${MAX_PATTERN_STEPS} steps (program instructions × characters) on the AllowedPattern checks of one template`;

/** A fresh budget for the AllowedPattern checks of one template. */
export const patternBudget = (): PatternBudget => ({ left: MAX_PATTERN_STEPS, skipped: 0 });

/** Past the budget: no more compiling, every value unchecked. */
const OUT_OF_BUDGET: TemplatePattern = {
  matches: (_value, budget) => {
    budget.skipped++;
    return undefined;
  },
};

/** Longest pattern compiled (its program may still be large, `a{1000}` is 1,000 instructions: the budget counts them). */
export const MAX_PATTERN_LENGTH = 10_000;

const POSIX: Readonly<Record<string, string>> = {
  Lower: 'lower', Upper: 'upper', ASCII: 'ascii', Alpha: 'alpha', Digit: 'digit', Alnum: 'alnum', Punct: 'punct',
  Graph: 'graph', Print: 'print', Blank: 'blank', Cntrl: 'cntrl', XDigit: 'xdigit', Space: 'space',
};
const JAVA_SPACE = '\\t\\n\\x0B\\f\\r ';
const HORIZONTAL = ' \\t\\x{A0}\\x{1680}\\x{180E}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}';
const VERTICAL = '\\n\\x0B\\f\\r\\x{85}\\x{2028}\\x{2029}';

const hex = (code: number): string => `\\x{${code.toString(16)}}`;

/** Java syntax → RE2 syntax; throws a string naming what has no RE2 equivalent. */
function translate(java: string): string {
  let out = '';
  let inClass = false;
  let quantified = false; // the last token was a quantifier (a `+` after it is possessive)
  let brace: number | undefined; // where in `out` the last `{` outside a class is, until a `}` closes it
  const set = (body: string, negated = false): string => (inClass ? (negated ? fail('a negated class escape inside [...]') : body) : `[${negated ? '^' : ''}${body}]`);
  const fail = (what: string): never => {
    throw what;
  };
  for (let i = 0; i < java.length; i++) {
    const c = java[i];
    const wasQuantified: boolean = quantified;
    quantified = false;
    if (c === '\\') {
      const e = java[++i];
      if (e === undefined) fail('a trailing backslash');
      if (e === 'Q') {
        const end = java.indexOf('\\E', i + 1);
        const literal = end < 0 ? java.slice(i + 1) : java.slice(i + 1, end);
        out += RE2JS().quote(literal);
        i = end < 0 ? java.length : end + 1;
      } else if (e === 'p' || e === 'P') {
        const m = /^\{(\w+)\}/.exec(java.slice(i + 1));
        if (!m) {
          out += `\\${e}`;
          continue;
        }
        i += m[0].length;
        const name = m[1].replace(/^Is(?=.)/, '');
        if (POSIX[name]) out += inClass ? `[:${e === 'P' ? '^' : ''}${POSIX[name]}:]` : `[[:${e === 'P' ? '^' : ''}${POSIX[name]}:]]`;
        else if (name.startsWith('In') || name.startsWith('java')) fail(`the Java class \\${e}{${m[1]}}`);
        else out += `\\${e}{${name}}`;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}/.test(java.slice(i + 1))) {
        out += hex(parseInt(java.slice(i + 1, i + 5), 16));
        i += 4;
      } else if (e === '0') {
        const m = /^[0-3]?[0-7]{1,2}/.exec(java.slice(i + 1)) ?? fail('\\0 without octal digits');
        out += hex(parseInt(m[0], 8));
        i += m[0].length;
      } else if (e === 'e') out += hex(0x1b);
      else if (e === 'c') {
        const x = java[++i] ?? fail('\\c without a letter');
        out += hex(x.charCodeAt(0) ^ 64);
      } else if (e === 'h' || e === 'H') out += set(HORIZONTAL, e === 'H');
      else if (e === 'v' || e === 'V') out += set(VERTICAL, e === 'V');
      else if (e === 's' || e === 'S') out += set(JAVA_SPACE, e === 'S');
      else if (/[1-9]/.test(e) || e === 'k') fail('a back reference');
      else if ('ZGRXN'.includes(e)) fail(`\\${e}`);
      else out += `\\${e}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (c === '&' && java[i + 1] === '&') fail('class intersection (&&)');
      else if (c === '[') fail('a class nested in a class');
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (java[i + 1] === '^') out += java[++i];
      if (java[i + 1] === ']') out += java[++i]; // a leading ] is a literal
      continue;
    }
    if (c === '(' && java[i + 1] === '?') {
      const m = /^\(\?(<[=!]|[=!>])|^\(\?([a-zA-Z-]*)[:)]/.exec(java.slice(i, i + 40));
      if (m?.[1]) fail(m[1] === '>' ? 'an atomic group (?>…)' : 'lookaround');
      if (m?.[2] && /[^ims-]/.test(m[2])) fail(`the flag(s) ${m[2].replace(/[ims-]/g, '')} in (?${m[2]}…)`);
      out += c;
      continue;
    }
    if (c === '+' && wasQuantified) fail('a possessive quantifier (*+, ++, ?+, {n}+)');
    if (c === '*' || c === '+' || c === '?') quantified = !wasQuantified || c !== '?'; // `*?` is lazy: no possessive after it
    // `{n}`, `{n,}`, `{n,m}` is a quantifier: each `{…}` is looked at once, so the pass stays linear.
    if (c === '}' && brace !== undefined && /^\{\d*(?:,\d*)?$/.test(out.slice(brace))) quantified = true;
    if (c === '{') brace = out.length;
    else if (c === '}') brace = undefined;
    out += c;
  }
  return out;
}

/** A pattern compiled, or why not: `compiling` when RE2 refused it (so it cost a compile). */
type Compiled = { re: Engine; size: number } | { unsupported: string; compiling: boolean };
const cache = new Map<string, Compiled>();

/**
 * `java` compiled for RE2, matched against whole values (Java's String.matches). Compiling spends
 * `budget` whether or not the program is cached (so results never depend on what ran before), and
 * once the budget is spent nothing more is compiled or matched.
 */
export function templatePattern(java: string, budget: PatternBudget): TemplatePattern {
  let c = cache.get(java);
  if (!c) {
    try {
      if (java.length > MAX_PATTERN_LENGTH) throw `a length of ${java.length} characters (this tool compiles patterns of up to ${MAX_PATTERN_LENGTH})`;
      const re2 = translate(java);
      if (budget.left <= 0) return OUT_OF_BUDGET;
      try {
        const re = RE2JS().compile(re2);
        c = { re, size: (re.re2().prog as { numInst(): number }).numInst() };
      } catch (e) {
        c = { unsupported: String((e as Error).message).replace(/^error parsing regexp: /, ''), compiling: true };
      }
    } catch (e) {
      c = { unsupported: typeof e === 'string' ? (e.startsWith('a length') ? e : `${e}, which Java has and RE2 (linear time) does not`) : String((e as Error).message), compiling: false };
    }
    if (cache.size > 1000) cache.clear();
    cache.set(java, c);
  }
  if ('unsupported' in c) return c.compiling && budget.left <= 0 ? OUT_OF_BUDGET : { unsupported: c.unsupported };
  if (budget.left <= 0) return OUT_OF_BUDGET;
  budget.left -= c.size * COMPILE_STEPS;
  const { re, size } = c;
  return {
    matches: (value, b) => {
      const cost = size * (value.length + 1);
      if (cost > b.left) {
        b.left = 0; // the checks stop at the first value the budget cannot pay for
        b.skipped++;
        return undefined;
      }
      b.left -= cost;
      return re.matches(value);
    },
  };
}
