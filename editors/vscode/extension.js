// extension.js - the VS Code client of `expc lsp` (docs/editors.md).
//
// Starts the language server from the `expc.path` setting over stdio and
// hands it every .exp buffer; everything else (diagnostics, hover,
// definition, symbols, formatting, completion, quick fixes) is the
// server's.  The syntax colouring is syntaxes/exp.tmLanguage.json.
'use strict';
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const cfg = vscode.workspace.getConfiguration('expc');
  const args = ['lsp'];
  for (const dir of cfg.get('includeDirs', [])) args.push('-I', dir);
  const server = { command: cfg.get('path', 'expc'), args };
  client = new LanguageClient('expc', 'Experience Scripts (expc lsp)',
    { run: server, debug: server },
    { documentSelector: [{ language: 'exp' }] });
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('expc'))
      vscode.window.showInformationMessage('expc: reload the window to use the new settings.');
  }));
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
