//! Command-line arguments as JSON, read into XML-RPC values.
//!
//! A small strict JSON reader (RFC 8259) rather than serde_json, because the
//! mapping needs what a generic parser hides: whether a number was written
//! as an integer (so `<int>`/`<i8>`, and an error beyond 64 bits instead of a
//! silent double), and object members in their written order.

use base64::Engine;
use xmlrpc_proto::{Array, DateTime, Struct, Value};

/// Deepest nesting accepted in one argument.
const MAX_DEPTH: usize = 64;

/// The tagged object keys that select dateTime and base64 values.
pub const DATETIME_KEY: &str = "$dateTime.iso8601";
/// See [`DATETIME_KEY`].
pub const BASE64_KEY: &str = "$base64";

/// How a command-line argument could not become a value.
#[derive(Debug, PartialEq)]
pub enum ArgError {
    /// Not JSON at all: the caller sends the text as a plain string.
    NotJson,
    /// Valid JSON that has no XML-RPC meaning (a 65-bit integer, a bad date...).
    Invalid(String),
}

/// Reads one argument: JSON per the documented mapping, or
/// [`ArgError::NotJson`] when the text is not JSON.
pub fn parse_arg(text: &str) -> Result<Value, ArgError> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        pos: 0,
    };
    reader.skip_ws();
    let value = reader.value(0)?;
    reader.skip_ws();
    if reader.pos != reader.bytes.len() {
        return Err(ArgError::NotJson);
    }
    Ok(value)
}

/// The value an argument stands for: JSON per the mapping, plain text otherwise.
pub fn arg_to_value(text: &str) -> Result<Value, String> {
    match parse_arg(text) {
        Ok(value) => Ok(value),
        Err(ArgError::NotJson) => Ok(Value::String(text.to_owned())),
        Err(ArgError::Invalid(why)) => Err(why),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> Result<(), ArgError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(ArgError::NotJson)
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), ArgError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(ArgError::NotJson)
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ArgError> {
        if depth > MAX_DEPTH {
            return Err(ArgError::Invalid(format!(
                "argument nests deeper than {MAX_DEPTH} levels"
            )));
        }
        match self.peek().ok_or(ArgError::NotJson)? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Value::String),
            b't' => self.literal("true").map(|_| Value::Bool(true)),
            b'f' => self.literal("false").map(|_| Value::Bool(false)),
            b'n' => self.literal("null").map(|_| Value::Nil),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(ArgError::NotJson),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, ArgError> {
        self.eat(b'[')?;
        let mut array = Array::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(array));
        }
        loop {
            self.skip_ws();
            array.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(array));
                }
                _ => return Err(ArgError::NotJson),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ArgError> {
        self.eat(b'{')?;
        let mut members = Struct::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Struct(members));
        }
        loop {
            self.skip_ws();
            let name = self.string()?;
            self.skip_ws();
            self.eat(b':')?;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            if members.contains_key(&name) {
                return Err(ArgError::Invalid(format!(
                    "object has member {name:?} twice; XML-RPC structs need unique names"
                )));
            }
            members.push(name, value);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return tagged(members);
                }
                _ => return Err(ArgError::NotJson),
            }
        }
    }

    fn string(&mut self) -> Result<String, ArgError> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The input is a &str and we stopped at ASCII, so this slice is valid UTF-8.
            out.push_str(
                std::str::from_utf8(&self.bytes[start..self.pos]).map_err(|_| ArgError::NotJson)?,
            );
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                _ => return Err(ArgError::NotJson),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), ArgError> {
        let byte = self.peek().ok_or(ArgError::NotJson)?;
        self.pos += 1;
        let c = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                if (0xD800..0xDC00).contains(&first) {
                    self.literal("\\u")?;
                    let second = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return Err(ArgError::NotJson);
                    }
                    let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                    char::from_u32(code).ok_or(ArgError::NotJson)?
                } else {
                    char::from_u32(first).ok_or(ArgError::NotJson)?
                }
            }
            _ => return Err(ArgError::NotJson),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, ArgError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or(ArgError::NotJson)?;
        let text = std::str::from_utf8(digits).map_err(|_| ArgError::NotJson)?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ArgError::NotJson);
        }
        self.pos += 4;
        u32::from_str_radix(text, 16).map_err(|_| ArgError::NotJson)
    }

    fn number(&mut self) -> Result<Value, ArgError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(ArgError::NotJson),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.pos += 1;
            self.require_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integer = false;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.require_digits()?;
        }
        let text =
            std::str::from_utf8(&self.bytes[start..self.pos]).map_err(|_| ArgError::NotJson)?;
        if integer {
            let n: i64 = text.parse().map_err(|_| {
                ArgError::Invalid(format!("integer {text} does not fit in 64 bits"))
            })?;
            Ok(match i32::try_from(n) {
                Ok(small) => Value::Int(small),
                Err(_) => Value::I8(n),
            })
        } else {
            let d: f64 = text.parse().map_err(|_| ArgError::NotJson)?;
            if !d.is_finite() {
                return Err(ArgError::Invalid(format!(
                    "number {text} is out of range for a double"
                )));
            }
            Ok(Value::Double(d))
        }
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn require_digits(&mut self) -> Result<(), ArgError> {
        let start = self.pos;
        self.digits();
        if self.pos == start {
            Err(ArgError::NotJson)
        } else {
            Ok(())
        }
    }
}

/// An object with exactly one `$dateTime.iso8601` or `$base64` member is that type.
fn tagged(members: Struct) -> Result<Value, ArgError> {
    if members.len() != 1 {
        return Ok(Value::Struct(members));
    }
    let (key, value) = members.iter().next().expect("one member");
    let (is_date, is_base64) = (key == DATETIME_KEY, key == BASE64_KEY);
    if !is_date && !is_base64 {
        return Ok(Value::Struct(members));
    }
    let Value::String(text) = value else {
        return Err(ArgError::Invalid(format!("{key} needs a string value")));
    };
    if is_date {
        text.parse::<DateTime>()
            .map(Value::DateTime)
            .map_err(|e| ArgError::Invalid(format!("bad {DATETIME_KEY} {text:?}: {e}")))
    } else {
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(|bytes| Value::Base64(bytes.into()))
            .map_err(|e| ArgError::Invalid(format!("bad {BASE64_KEY} value: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(text: &str) -> Value {
        arg_to_value(text).unwrap()
    }

    #[test]
    fn integers_pick_int_or_i8_and_refuse_beyond_64_bits() {
        assert_eq!(arg("2147483647"), Value::Int(i32::MAX));
        assert_eq!(arg("-2147483648"), Value::Int(i32::MIN));
        assert_eq!(arg("2147483648"), Value::I8(2_147_483_648));
        assert_eq!(arg("-9223372036854775808"), Value::I8(i64::MIN));
        let err = arg_to_value("9223372036854775808").unwrap_err();
        assert!(err.contains("64 bits"), "{err}");
    }

    #[test]
    fn other_numbers_are_doubles() {
        assert_eq!(arg("1.0"), Value::Double(1.0));
        assert_eq!(arg("-2.5e3"), Value::Double(-2500.0));
        assert!(arg_to_value("1e999").unwrap_err().contains("out of range"));
    }

    #[test]
    fn scalars_and_containers() {
        assert_eq!(arg("true"), Value::Bool(true));
        assert_eq!(arg("null"), Value::Nil);
        assert_eq!(
            arg(r#""a\"b\u00e9\ud83d\ude00""#),
            Value::String("a\"bé😀".into())
        );
        let Value::Struct(s) = arg(r#"{"z": 1, "a": [1, "x"], "m": {}}"#) else {
            panic!("struct expected")
        };
        assert_eq!(s.keys().collect::<Vec<_>>(), ["z", "a", "m"]);
        assert_eq!(
            s.get("a"),
            Some(&Value::Array(
                vec![Value::Int(1), Value::String("x".into())].into()
            ))
        );
    }

    #[test]
    fn tagged_objects_give_dates_and_base64() {
        assert!(matches!(
            arg(r#"{"$dateTime.iso8601": "19980717T14:08:55"}"#),
            Value::DateTime(_)
        ));
        assert_eq!(
            arg(r#"{"$base64": "aGk="}"#),
            Value::Base64(b"hi".as_ref().into())
        );
        assert!(arg_to_value(r#"{"$base64": "!!"}"#).is_err());
        assert!(arg_to_value(r#"{"$dateTime.iso8601": "yesterday"}"#).is_err());
        // Two keys: an ordinary struct.
        assert!(matches!(
            arg(r#"{"$base64": "aGk=", "b": 1}"#),
            Value::Struct(_)
        ));
    }

    #[test]
    fn text_that_is_not_json_is_a_plain_string() {
        for text in [
            "hello",
            "hello world",
            "",
            "01",
            "[1,",
            "{\"a\"}",
            "1.",
            "tru",
            "\"open",
        ] {
            assert_eq!(arg(text), Value::String(text.into()), "{text:?}");
        }
    }

    #[test]
    fn duplicate_members_and_deep_nesting_are_errors() {
        assert!(arg_to_value(r#"{"a": 1, "a": 2}"#)
            .unwrap_err()
            .contains("twice"));
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(arg_to_value(&deep).unwrap_err().contains("deeper"));
    }
}
