// tm_tokens.js - tokenizes scripts with the VS Code TextMate grammar
// (editors/vscode/syntaxes/exp.tmLanguage.json) through vscode-textmate and
// vscode-oniguruma, the libraries VS Code itself colours with, and prints
// one line per token that is not blank: LINE:START-END 'TEXT' SCOPES
// (columns from 0, scopes innermost last, source.exp left out).
// tests/t_editors.sh compares that with tests/golden/grammar/NAME.tokens.
//
// usage: node tm_tokens.js NODE_MODULES GRAMMAR FILE.exp...
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, grammarPath, ...files] = process.argv.slice(2);
const vsctm = require(path.join(modules, 'vscode-textmate'));
const onig = require(path.join(modules, 'vscode-oniguruma'));

async function main() {
  const wasm = fs.readFileSync(path.join(modules, 'vscode-oniguruma', 'release', 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new onig.OnigScanner(p),
      createOnigString: (s) => new onig.OnigString(s),
    }),
    loadGrammar: async (scope) => scope === 'source.exp'
      ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  const grammar = await registry.loadGrammar('source.exp');
  if (!grammar) throw new Error('the grammar did not load');
  for (const file of files) {
    const out = [];
    let stack = vsctm.INITIAL;
    fs.readFileSync(file, 'utf8').split('\n').forEach((line, n) => {
      const r = grammar.tokenizeLine(line, stack);
      for (const t of r.tokens) {
        const text = line.slice(t.startIndex, t.endIndex);
        if (!text.trim()) continue;
        const scopes = t.scopes.filter((s) => s !== 'source.exp').join(' ');
        out.push(`${n + 1}:${t.startIndex}-${t.endIndex} ${JSON.stringify(text)} ${scopes}`);
      }
      stack = r.ruleStack;
    });
    const dest = path.basename(file, '.exp') + '.tokens';
    fs.writeFileSync(dest, out.join('\n') + '\n');
  }
}

main().catch((e) => { console.error('tm_tokens: ' + (e && e.stack || e)); process.exit(1); });
