// Ajv 8 (draft 2020-12) in its default strict mode, run by tests/test_ajv_strict.py.
// Input (on stdin, or a JSON file named on the command line): {schemasDir, versions,
// formats (ajv-formats on, or formats off), declare (the keywords), cases: [{version, data}]}. Output (stdout, JSON): for each version whether it compiled, the
// compile error, the strict-mode warnings; for each case whether Ajv found it valid.
// The standard's keywords are declared from the vocabulary meta-schema the docs describe,
// each with that meta-schema's rule for its value, and nothing else is relaxed.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const input = JSON.parse(fs.readFileSync(process.argv[2] === "-" ? 0 : process.argv[2], "utf8"));
const read = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const vocabulary = read(path.join(input.schemasDir, "vocabulary", "keywords.schema.json"));

function makeAjv(warnings) {
  const logger = {log() {}, warn: (...a) => warnings.push(a.join(" ")), error: (...a) => warnings.push(a.join(" "))};
  const ajv = new Ajv2020({allErrors: true, logger, validateFormats: input.formats});
  if (input.formats) addFormats(ajv);
  for (const [keyword, rule] of Object.entries(input.declare === false ? {} : vocabulary.properties)) {
    ajv.addKeyword({keyword, metaSchema: {type: rule.type, pattern: rule.pattern, minLength: rule.minLength}});
  }
  return ajv;
}

const result = {versions: {}, cases: []};
const validators = {};
for (const version of input.versions) {
  const warnings = [];
  const ajv = makeAjv(warnings);
  const folder = path.join(input.schemasDir, version);
  let root = null;
  try {
    for (const file of fs.readdirSync(folder).filter((f) => f.endsWith(".schema.json")).sort()) {
      const schema = read(path.join(folder, file));
      ajv.addSchema(schema);
      if (file === "dataset.schema.json") root = schema.$id;
    }
    validators[version] = ajv.getSchema(root);  // compiles the root and all it refers to
    result.versions[version] = {compiled: true, error: null, warnings};
  } catch (e) {
    result.versions[version] = {compiled: false, error: String(e.message), warnings};
  }
}
for (const c of input.cases) {
  const validate = validators[c.version];
  if (!validate) { result.cases.push({valid: null, errors: []}); continue; }
  const valid = validate(c.data);
  result.cases.push({valid, errors: (validate.errors || []).slice(0, 5).map((e) => `${e.instancePath} ${e.message}`)});
}
process.stdout.write(JSON.stringify(result));
