//! `system.multicall` on the client side (SPEC rule 23): many calls packed
//! into one request, and the answer unpacked into one result per call.
//!
//! The server side, which runs such a batch, is the router's
//! ([`crate::service::Multicall`]). Every transport's `Client::multicall` is
//! [`pack`], one exchange, then [`unpack`]; a [`MulticallError`] becomes a
//! [`ClientError::Protocol`] through `?`.
//!
//! ```
//! use xmlrpc_proto::client::multicall::{pack, unpack};
//! use xmlrpc_proto::{Fault, MethodCall, Struct, Value};
//!
//! let call = pack(vec![MethodCall::new("add", vec![Value::Int(1), Value::Int(2)])]);
//! assert_eq!(call.method, "system.multicall");
//!
//! // The server answers `[3]` for the call.
//! let answer = Value::Array(vec![Value::Array(vec![Value::Int(3)].into())].into());
//! assert_eq!(unpack(answer, 1)?, vec![Ok::<_, Fault>(Value::Int(3))]);
//! # Ok::<(), xmlrpc_proto::client::multicall::MulticallError>(())
//! ```

use std::fmt;

use super::ClientError;
use crate::{Fault, MethodCall, Struct, Value};

/// Packs `calls` into one `system.multicall` call whose single param is
/// `[{methodName, params}, ...]`, in order.
pub fn pack(calls: Vec<MethodCall>) -> MethodCall {
    let entries = calls
        .into_iter()
        .map(|call| {
            let mut entry = Struct::with_capacity(2);
            entry.push("methodName", Value::String(call.method));
            entry.push("params", Value::Array(call.params.into()));
            Value::Struct(entry)
        })
        .collect();
    MethodCall::new("system.multicall", vec![Value::Array(entries)])
}

/// Unpacks the result of a multicall of `sent` calls: a one-element array
/// `[value]` is that call's success, a `{faultCode, faultString}` struct its
/// fault. Anything else, or a count other than `sent`, is an error naming
/// the entry.
pub fn unpack(result: Value, sent: usize) -> Result<Vec<Result<Value, Fault>>, MulticallError> {
    let entries = match result {
        Value::Array(entries) => entries.into_vec(),
        other => {
            return Err(MulticallError::NotAnArray {
                found: other.type_name(),
            })
        }
    };
    if entries.len() != sent {
        return Err(MulticallError::Count {
            sent,
            answered: entries.len(),
        });
    }
    entries
        .into_iter()
        .enumerate()
        .map(|(index, entry)| unpack_entry(index, entry))
        .collect()
}

/// One entry: `[value]` or a fault struct read as the decoder reads a
/// `<fault>` (an `i8` code is taken when it fits 32 bits).
fn unpack_entry(index: usize, entry: Value) -> Result<Result<Value, Fault>, MulticallError> {
    match entry {
        Value::Array(values) if values.len() == 1 => {
            Ok(Ok(values.into_vec().pop().unwrap_or(Value::Nil)))
        }
        Value::Struct(members) => {
            let code = members
                .get("faultCode")
                .and_then(Value::as_i64)
                .and_then(|code| i32::try_from(code).ok());
            let message = members.get("faultString").and_then(Value::as_str);
            match (code, message) {
                (Some(code), Some(message)) => Ok(Err(Fault::new(code, message))),
                _ => Err(MulticallError::BadFault { index }),
            }
        }
        other => Err(MulticallError::Entry {
            index,
            found: match other {
                Value::Array(_) => "an array of other than one value",
                _ => other.type_name(),
            },
        }),
    }
}

/// A multicall answer that is not one result per call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MulticallError {
    /// The result is not an array.
    NotAnArray {
        /// The XML-RPC type found instead.
        found: &'static str,
    },
    /// The array has a number of entries other than the calls sent.
    Count {
        /// Calls sent.
        sent: usize,
        /// Entries answered.
        answered: usize,
    },
    /// An entry is neither `[value]` nor a struct.
    Entry {
        /// Zero-based position of the entry.
        index: usize,
        /// What the entry is instead.
        found: &'static str,
    },
    /// A struct entry lacks a 32-bit `faultCode` or a string `faultString`.
    BadFault {
        /// Zero-based position of the entry.
        index: usize,
    },
}

impl fmt::Display for MulticallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("system.multicall: ")?;
        match self {
            MulticallError::NotAnArray { found } => write!(f, "expected an array, got {found}"),
            MulticallError::Count { sent, answered } => {
                write!(f, "{answered} answers for {sent} calls")
            }
            MulticallError::Entry { index, found } => {
                write!(f, "entry {index} is {found}, not [result] or a fault")
            }
            MulticallError::BadFault { index } => write!(
                f,
                "entry {index} is a struct without an int faultCode and a string faultString"
            ),
        }
    }
}

impl std::error::Error for MulticallError {}

/// A malformed multicall answer is a protocol error of the call, as every
/// transport reported it before the unpacking moved here.
impl From<MulticallError> for ClientError {
    fn from(e: MulticallError) -> Self {
        ClientError::Protocol(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(code: Value, message: Value) -> Value {
        let mut s = Struct::new();
        s.push("faultCode", code);
        s.push("faultString", message);
        Value::Struct(s)
    }

    fn one(value: Value) -> Value {
        Value::Array(vec![value].into())
    }

    #[test]
    fn pack_builds_one_struct_per_call_in_order() {
        let call = pack(vec![
            MethodCall::new("a", vec![Value::Int(1)]),
            MethodCall::new("b", vec![]),
        ]);
        assert_eq!(call.method, "system.multicall");
        assert_eq!(call.params.len(), 1);
        let Some(Value::Array(entries)) = call.params.first() else {
            panic!("expected one array param, got {:?}", call.params);
        };
        assert_eq!(entries.len(), 2);
        let first = entries[0].as_struct().expect("struct entry");
        assert_eq!(first.get("methodName").and_then(Value::as_str), Some("a"));
        assert_eq!(first.get("params"), Some(&one(Value::Int(1))));
        let second = entries[1].as_struct().expect("struct entry");
        assert_eq!(second.get("methodName").and_then(Value::as_str), Some("b"));
        assert_eq!(second.get("params"), Some(&Value::Array(Vec::new().into())));
    }

    #[test]
    fn pack_of_no_calls_is_an_empty_batch() {
        let call = pack(Vec::new());
        assert_eq!(call.params, vec![Value::Array(Vec::new().into())]);
        assert_eq!(unpack(Value::Array(Vec::new().into()), 0), Ok(Vec::new()));
    }

    #[test]
    fn unpack_tells_results_and_faults_apart_in_order() {
        let answer = Value::Array(
            vec![
                one(Value::Int(7)),
                fault(Value::Int(-32601), Value::String("no such method".into())),
                one(Value::Array(Vec::new().into())),
            ]
            .into(),
        );
        let got = unpack(answer, 3).expect("well formed");
        assert_eq!(got[0], Ok(Value::Int(7)));
        assert_eq!(got[1], Err(Fault::new(-32601, "no such method")));
        assert_eq!(got[2], Ok(Value::Array(Vec::new().into())));
    }

    #[test]
    fn unpack_takes_an_i8_fault_code_that_fits_32_bits() {
        let answer = Value::Array(vec![fault(Value::I8(4), Value::String("x".into()))].into());
        assert_eq!(unpack(answer, 1), Ok(vec![Err(Fault::new(4, "x"))]));
        let wide = Value::Array(vec![fault(Value::I8(1 << 40), Value::String("x".into()))].into());
        assert_eq!(unpack(wide, 1), Err(MulticallError::BadFault { index: 0 }));
    }

    #[test]
    fn unpack_refuses_a_result_that_is_not_an_array() {
        assert_eq!(
            unpack(Value::Int(1), 1),
            Err(MulticallError::NotAnArray { found: "int" })
        );
    }

    #[test]
    fn unpack_refuses_a_wrong_count() {
        let answer = Value::Array(vec![one(Value::Int(1))].into());
        assert_eq!(
            unpack(answer, 2),
            Err(MulticallError::Count {
                sent: 2,
                answered: 1
            })
        );
    }

    #[test]
    fn unpack_names_a_malformed_entry() {
        let two = Value::Array(vec![Value::Int(1), Value::Int(2)].into());
        let answer = Value::Array(vec![one(Value::Int(1)), two].into());
        let err = unpack(answer, 2).expect_err("entry 1 has two values");
        assert!(
            matches!(err, MulticallError::Entry { index: 1, .. }),
            "{err:?}"
        );
        // RPC::XML answers unwrapped results; entry 0 is named.
        let unwrapped = Value::Array(vec![Value::Int(6)].into());
        let err = unpack(unwrapped, 1).expect_err("unwrapped result");
        assert_eq!(
            err,
            MulticallError::Entry {
                index: 0,
                found: "int"
            }
        );
        assert!(err.to_string().contains("entry 0"), "{err}");
    }

    #[test]
    fn unpack_refuses_a_fault_without_code_or_string() {
        let no_string = Value::Array(vec![fault(Value::Int(1), Value::Nil)].into());
        assert_eq!(
            unpack(no_string, 1),
            Err(MulticallError::BadFault { index: 0 })
        );
        let empty = Value::Array(vec![Value::Struct(Struct::new())].into());
        assert_eq!(unpack(empty, 1), Err(MulticallError::BadFault { index: 0 }));
    }

    #[test]
    fn becomes_a_protocol_error_of_the_client() {
        let err = ClientError::from(MulticallError::Count {
            sent: 1,
            answered: 0,
        });
        match err {
            ClientError::Protocol(message) => {
                assert_eq!(message, "system.multicall: 0 answers for 1 calls")
            }
            other => panic!("expected a protocol error, got {other:?}"),
        }
    }
}
