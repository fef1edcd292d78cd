#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// vmjob adapter (ADAPTER.md, persistent protocol) for ajv: the schema-only approach most JavaScript
// implementers take. The document is read with JSON.parse, then checked by ajv (draft 2020-12, with
// ajv-formats) against the project's published schemas: the kind's schema, and for a job whose
// payload.type has a published payload schema, that schema on payload.data. Nothing else is checked.
// Usage: node adapter.js SCHEMAS_DIR
"use strict";

const fs = require("fs");
const path = require("path");
const readline = require("readline");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;
const ajvVersion = require("ajv/package.json").version;

const KINDS = { job: "job-v1.json", result: "result-v1.json", progress: "progress-v1.json", worker: "worker-v1.json" };
// The schemas' annotations of their own (x-rule names the protocol rule of a subschema): registered as
// annotation keywords, so ajv's strict mode stays on for everything else.
const ANNOTATIONS = ["x-rule", "x-width", "x-path", "x-inner-rule"];

function fail(message) {
  process.stderr.write(`vmjob-ajv-adapter: ${message}\n`);
  process.exit(2);
}

function readSchema(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    return fail(`cannot read the schema ${file}: ${err.message}`);
  }
}

function load(dir) {
  if (!dir) fail("usage: node adapter.js SCHEMAS_DIR (the folder of the protocol's published JSON Schemas)");
  const ajv = new Ajv2020({ allErrors: true, strictTypes: false });
  addFormats(ajv);
  ajv.addVocabulary(ANNOTATIONS);
  const kinds = {};
  for (const [kind, file] of Object.entries(KINDS)) {
    const schema = readSchema(path.join(dir, file));
    kinds[kind] = { schema, check: ajv.compile(schema) };
  }
  const payloads = {};
  const payloadDir = path.join(dir, "payloads");
  for (const file of fs.existsSync(payloadDir) ? fs.readdirSync(payloadDir) : []) {
    if (!file.endsWith(".json")) continue;
    const schema = readSchema(path.join(payloadDir, file));
    payloads[file.slice(0, -".json".length)] = { schema, check: ajv.compile(schema) };
  }
  return { kinds, payloads };
}

// The rule of an error, read from where it points in the schema, as any user could: the x-rule of the
// deepest subschema on the error's schema path (for a missing member: that member's own subschema, or
// the object's x-inner-rule).
function ruleOf(schema, error) {
  const parts = error.schemaPath.replace(/^#\/?/, "").split("/").filter((p) => p !== "");
  let node = schema;
  let rule = schema["x-rule"];
  for (const part of parts.slice(0, -1)) {
    node = node && typeof node === "object" ? node[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
    if (node && typeof node === "object" && typeof node["x-rule"] === "string") rule = node["x-rule"];
  }
  if (error.keyword === "required" && node && typeof node === "object") {
    const member = node.properties && node.properties[error.params.missingProperty];
    if (typeof node["x-inner-rule"] === "string") rule = node["x-inner-rule"];
    else if (member && typeof member["x-rule"] === "string") rule = member["x-rule"];
  }
  return rule;
}

function issues(entry, errors, prefix) {
  return (errors || []).map((error) => {
    const issue = { pointer: prefix + error.instancePath, message: `${error.message}` };
    const rule = ruleOf(entry.schema, error);
    if (rule) issue.rule = rule;
    return issue;
  });
}

function validate(schemas, kind, text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { valid: false, errors: [{ message: `not JSON: ${err.message}`, rule: "parse.syntax" }] };
  }
  const entry = schemas.kinds[kind];
  if (!entry) return { errored: true, message: `unknown kind ${JSON.stringify(kind)}` };
  let errors = entry.check(doc) ? [] : issues(entry, entry.check.errors, "");
  const payload = kind === "job" && doc && typeof doc === "object" ? doc.payload : undefined;
  const type = payload && typeof payload === "object" ? payload.type : undefined;
  if (typeof type === "string" && Object.hasOwn(schemas.payloads, type)) {
    const checker = schemas.payloads[type];
    if (!checker.check(payload.data)) errors = errors.concat(issues(checker, checker.check.errors, "/payload/data"));
  }
  return { valid: errors.length === 0, errors };
}

function answer(schemas, request) {
  switch (request.cmd) {
    case "start":
      return {
        protocol: 1,
        implementation: { name: "ajv", version: ajvVersion, language: "JavaScript", homepage: "https://ajv.js.org" },
        kinds: Object.keys(KINDS),
        classes: ["core", "payload", "result", "progress", "worker"],
      };
    case "validate": {
      // Bytes that are not UTF-8 are decoded as Node decodes a request body: bad sequences become U+FFFD.
      const text =
        typeof request.document === "string"
          ? request.document
          : Buffer.from(request.document_base64 || "", "base64").toString("utf8");
      return { seq: request.seq, ...validate(schemas, request.kind, text) };
    }
    default:
      return { seq: request.seq, errored: true, message: `unsupported cmd ${JSON.stringify(request.cmd)}` };
  }
}

function main() {
  const schemas = load(process.argv[2]);
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    if (line.trim() === "") return;
    let request;
    try {
      request = JSON.parse(line);
    } catch (err) {
      process.stderr.write(`vmjob-ajv-adapter: a request line is not JSON: ${err.message}\n`);
      return;
    }
    if (request.cmd === "stop") process.exit(0);
    let reply;
    try {
      reply = answer(schemas, request);
    } catch (err) {
      reply = { seq: request.seq, errored: true, message: `ajv failed: ${err && err.message}` };
    }
    process.stdout.write(JSON.stringify(reply) + "\n");
  });
  lines.on("close", () => process.exit(0));
}

main();
