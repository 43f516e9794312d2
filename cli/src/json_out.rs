//! XML-RPC values written as JSON, with the same mapping the arguments use.
//!
//! Written by hand rather than with serde_json: scripts read this output, and
//! serde_json would change it (`\b` and `\f` instead of `\u0008` and `\u000c`,
//! its own float formatting), while a custom `Formatter` plus a `Serialize`
//! for the tagged dateTime/base64 forms would be no shorter than this.
//!
//! `write!` into a `String` cannot fail; its `Result` is dropped with
//! `unwrap_or_default`.

use std::fmt::Write;

use base64::Engine;
use xmlrpc_proto::Value;

use crate::json_in::{BASE64_KEY, DATETIME_KEY};

/// `value` as JSON: one line, or indented by two spaces when `pretty`.
///
/// Doubles keep a fraction or exponent (`1.0`), so reading the output back
/// gives a double again, not an int. Struct member order is kept.
pub fn to_json(value: &Value, pretty: bool) -> String {
    let mut out = String::new();
    write_value(&mut out, value, pretty, 0);
    out
}

fn write_value(out: &mut String, value: &Value, pretty: bool, level: usize) {
    match value {
        Value::Int(i) => write!(out, "{i}").unwrap_or_default(),
        Value::I8(i) => write!(out, "{i}").unwrap_or_default(),
        // `{:?}` keeps `.0` on integral doubles and uses exponents for extreme
        // magnitudes; both are valid JSON numbers that read back as doubles.
        Value::Double(d) => write!(out, "{d:?}").unwrap_or_default(),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Nil => out.push_str("null"),
        Value::String(s) => write_string(out, s),
        Value::DateTime(dt) => write_tagged(out, DATETIME_KEY, &dt.to_string(), pretty, level),
        Value::Base64(bytes) => {
            let text = base64::engine::general_purpose::STANDARD.encode(bytes);
            write_tagged(out, BASE64_KEY, &text, pretty, level)
        }
        Value::Array(values) => {
            if values.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, pretty, level + 1);
                write_value(out, v, pretty, level + 1);
            }
            newline(out, pretty, level);
            out.push(']');
        }
        Value::Struct(members) => {
            if members.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (name, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, pretty, level + 1);
                write_member_name(out, name, pretty);
                write_value(out, v, pretty, level + 1);
            }
            newline(out, pretty, level);
            out.push('}');
        }
    }
}

fn write_tagged(out: &mut String, key: &str, text: &str, pretty: bool, level: usize) {
    out.push('{');
    newline(out, pretty, level + 1);
    write_member_name(out, key, pretty);
    write_string(out, text);
    newline(out, pretty, level);
    out.push('}');
}

fn write_member_name(out: &mut String, name: &str, pretty: bool) {
    write_string(out, name);
    out.push_str(if pretty { ": " } else { ":" });
}

fn newline(out: &mut String, pretty: bool, level: usize) {
    if pretty {
        out.push('\n');
        for _ in 0..level {
            out.push_str("  ");
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).unwrap_or_default(),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_in::arg_to_value;

    #[test]
    fn every_type_reads_back_as_itself() {
        let inputs = [
            r#"1"#,
            r#"4294967296"#,
            r#"1.0"#,
            r#"-0.5"#,
            r#"1e+300"#,
            r#"true"#,
            r#"null"#,
            r#""line\nbreak \"q\" \u0001""#,
            r#"{"$dateTime.iso8601":"19980717T14:08:55"}"#,
            r#"{"$base64":"AAEC/w=="}"#,
            r#"{"b":[1,{"c":null}],"a":"x"}"#,
            r#"[]"#,
            r#"{}"#,
        ];
        for input in inputs {
            let value = arg_to_value(input).unwrap();
            let json = to_json(&value, false);
            assert_eq!(arg_to_value(&json).unwrap(), value, "{input} -> {json}");
            let pretty = to_json(&value, true);
            assert_eq!(arg_to_value(&pretty).unwrap(), value, "{input} -> {pretty}");
        }
    }

    #[test]
    fn compact_and_pretty_layout() {
        let value = arg_to_value(r#"{"a":[1,2],"b":{}}"#).unwrap();
        assert_eq!(to_json(&value, false), r#"{"a":[1,2],"b":{}}"#);
        assert_eq!(
            to_json(&value, true),
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}"
        );
        assert_eq!(to_json(&Value::Double(2.0), false), "2.0");
    }

    #[test]
    fn control_characters_are_written_as_u_escapes() {
        let value = Value::String("\u{8}\u{c}\u{1f}\n\r\t".into());
        assert_eq!(to_json(&value, false), r#""\u0008\u000c\u001f\n\r\t""#);
        assert_eq!(arg_to_value(&to_json(&value, false)).unwrap(), value);
    }
}
