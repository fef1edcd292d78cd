// SPDX-License-Identifier: Apache-2.0
//! vmjob adapter for the upstream `guestkit-job-spec` crate (ADAPTER.md, persistent protocol).
//!
//! One JSON request per line on stdin, one JSON reply per line on stdout, flushed after each. Every
//! verdict is the crate's own: a document is deserialized into the crate's type for its kind (serde,
//! exactly as the crate derives it) and a job is then checked by `JobValidator::validate`; a match is
//! `JobValidator::check_capabilities`; a round trip is the crate's `Deserialize` then `Serialize`.
//! Nothing is checked here that the crate does not check.

use std::io::{self, BufRead, Write};
use std::panic::{self, AssertUnwindSafe};

use guestkit_job_spec::types::GuestkitInspectPayload;
use guestkit_job_spec::{JobDocument, JobError, JobResultType, JobValidator, ProgressEvent, WorkerCapabilities};
use serde_json::{json, Value};

const KINDS: [&str; 4] = ["job", "result", "progress", "worker"];
const CLASSES: [&str; 7] = [
    "core",
    "payload",
    "result",
    "progress",
    "worker",
    "capabilities",
    "roundtrip",
];

fn main() {
    // A panic inside the crate becomes an `errored` reply (see `handle`), not a message on stderr per case.
    panic::set_hook(Box::new(|_| {}));
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for line in stdin.lock().lines() {
        let line = match line {
            Ok(line) => line,
            Err(err) => {
                eprintln!("vmjob-guestkit-adapter: cannot read stdin: {err}");
                std::process::exit(2);
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let request: Value = match serde_json::from_str(&line) {
            Ok(value) => value,
            Err(err) => {
                eprintln!("vmjob-guestkit-adapter: a request line is not JSON: {err}");
                continue;
            }
        };
        if request.get("cmd").and_then(Value::as_str) == Some("stop") {
            return;
        }
        let reply = match panic::catch_unwind(AssertUnwindSafe(|| handle(&request))) {
            Ok(reply) => reply,
            Err(cause) => errored(&request, &format!("the adapter panicked: {}", panic_text(&*cause))),
        };
        if writeln!(out, "{reply}").and_then(|()| out.flush()).is_err() {
            return; // the runner closed our stdout: nothing left to answer
        }
    }
}

fn handle(request: &Value) -> Value {
    match request.get("cmd").and_then(Value::as_str) {
        Some("start") => json!({
            "protocol": 1,
            "implementation": {
                "name": "guestkit-job-spec",
                "version": "0.1.0",
                "language": "Rust",
                "homepage": "https://github.com/hypersdk/guestkit",
            },
            "kinds": KINDS,
            "classes": CLASSES,
        }),
        Some("validate") => with_document(request, |kind, bytes| {
            let (valid, errors) = match validate(kind, bytes) {
                Ok(()) => (true, vec![]),
                Err(issue) => (false, vec![issue]),
            };
            json!({"seq": request["seq"], "valid": valid, "errors": errors})
        }),
        Some("roundtrip") => with_document(request, |kind, bytes| match roundtrip(kind, bytes) {
            Ok(text) => json!({"seq": request["seq"], "document": text}),
            Err(message) => errored(request, &message),
        }),
        Some("match") => {
            let required = strings(&request["required"]);
            let available = strings(&request["available"]);
            match JobValidator::check_capabilities(&required, &available) {
                Ok(()) => json!({"seq": request["seq"], "ok": true, "missing": []}),
                // The crate's error carries both lists; the missing ones are those it found absent.
                Err(JobError::CapabilityMismatch { required, available }) => {
                    let missing: Vec<&String> = required.iter().filter(|r| !available.contains(r)).collect();
                    json!({"seq": request["seq"], "ok": false, "missing": missing})
                }
                Err(other) => errored(request, &other.to_string()),
            }
        }
        Some(other) => errored(request, &format!("unknown cmd {other:?}")),
        None => errored(request, "the request has no cmd"),
    }
}

/// The crate's verdict on one document: its serde types, then (for a job) its validator.
fn validate(kind: &str, bytes: &[u8]) -> Result<(), Value> {
    match kind {
        "job" => {
            let job: JobDocument = serde_json::from_slice(bytes).map_err(|e| serde_issue(&e))?;
            JobValidator::validate(&job).map_err(|e| validator_issue(&e))?;
            // The crate types one payload, guestkit.inspect.v1; a worker reads the data into that type.
            if job.payload.payload_type == "guestkit.inspect.v1" {
                serde_json::from_value::<GuestkitInspectPayload>(job.payload.data.clone())
                    .map_err(|e| json!({"pointer": "/payload/data", "message": e.to_string()}))?;
            }
            Ok(())
        }
        "result" => serde_json::from_slice::<JobResultType>(bytes)
            .map(drop)
            .map_err(|e| serde_issue(&e)),
        "progress" => serde_json::from_slice::<ProgressEvent>(bytes)
            .map(drop)
            .map_err(|e| serde_issue(&e)),
        "worker" => serde_json::from_slice::<WorkerCapabilities>(bytes)
            .map(drop)
            .map_err(|e| serde_issue(&e)),
        other => Err(json!({"message": format!("unknown kind {other:?}")})),
    }
}

/// The crate's round trip: its `Deserialize`, then its `Serialize`.
fn roundtrip(kind: &str, bytes: &[u8]) -> Result<String, String> {
    fn through<T: serde::de::DeserializeOwned + serde::Serialize>(bytes: &[u8]) -> Result<String, String> {
        let value: T = serde_json::from_slice(bytes).map_err(|e| format!("the crate cannot read it: {e}"))?;
        serde_json::to_string(&value).map_err(|e| format!("the crate cannot write it back: {e}"))
    }
    match kind {
        "job" => through::<JobDocument>(bytes),
        "result" => through::<JobResultType>(bytes),
        "progress" => through::<ProgressEvent>(bytes),
        "worker" => through::<WorkerCapabilities>(bytes),
        other => Err(format!("unknown kind {other:?}")),
    }
}

/// A serde error names a line and column, not a rule: only a syntax error says which rule it breaks.
fn serde_issue(err: &serde_json::Error) -> Value {
    use serde_json::error::Category;
    match err.classify() {
        Category::Syntax | Category::Eof => json!({"rule": "parse.syntax", "message": err.to_string()}),
        Category::Data | Category::Io => json!({"message": err.to_string()}),
    }
}

/// The validator's errors name the field they reject; each field is checked for one rule.
fn validator_issue(err: &JobError) -> Value {
    let field = match err {
        JobError::UnsupportedVersion(_) => Some("version"),
        JobError::MissingField(field) | JobError::InvalidField { field, .. } => Some(field.as_str()),
        _ => None,
    };
    let rule = field.and_then(|f| match f {
        "version" => Some("core.version"),
        "job_id" => Some("core.job_id"),
        "kind" => Some("core.kind"),
        "operation" => Some("core.operation"),
        "payload.type" => Some("core.payload.type"),
        "execution.priority" => Some("core.execution.priority"),
        "execution.max_attempts" => Some("core.execution.max_attempts"),
        "execution.attempt" => Some("core.execution.attempt-within-max"),
        "constraints.minimum_worker_version" => Some("core.constraints.minimum_worker_version"),
        _ => None,
    });
    let mut issue = json!({"message": err.to_string()});
    if let Some(field) = field {
        issue["pointer"] = json!(format!("/{}", field.replace('.', "/")));
    }
    if let Some(rule) = rule {
        issue["rule"] = json!(rule);
    }
    issue
}

/// Runs `answer` on the request's kind and document bytes (`document`, or `document_base64`).
fn with_document(request: &Value, answer: impl FnOnce(&str, &[u8]) -> Value) -> Value {
    let kind = request["kind"].as_str().unwrap_or("");
    if let Some(text) = request["document"].as_str() {
        return answer(kind, text.as_bytes());
    }
    match request["document_base64"].as_str().map(base64_decode) {
        Some(Some(bytes)) => answer(kind, &bytes),
        Some(None) => errored(request, "document_base64 is not valid base64"),
        None => errored(request, "the request has neither document nor document_base64"),
    }
}

fn errored(request: &Value, message: &str) -> Value {
    json!({"seq": request.get("seq").cloned().unwrap_or(json!(0)), "errored": true, "message": message})
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

fn panic_text(cause: &(dyn std::any::Any + Send)) -> String {
    cause
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| cause.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}

/// Standard base64 with padding (RFC 4648 §4); no crate for it among the crate's own dependencies.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (index, chunk) in bytes.chunks(4).enumerate() {
        let last = index + 1 == bytes.len() / 4;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | sextet(c)?;
        }
        n <<= 6 * pad as u32;
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    Some(out)
}
