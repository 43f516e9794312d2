//! [`Builder`]: the arrays and structs being filled while a value is read.
//!
//! Struct members of every open struct share one stack and are moved into a
//! struct of exact size when it closes: one allocation per struct instead of
//! a growing vector. Duplicate names are found by a linear scan while a
//! struct is small and by a hash set once it is large, so checking is never
//! quadratic.

use std::collections::HashSet;

use super::error::{DecodeErrorKind, Fail};
use crate::{Array, Struct, Value};

/// Structs with more members than this check duplicates with a hash set.
const LINEAR_MEMBER_CHECK: usize = 8;

/// An array or struct being filled.
#[derive(Debug)]
enum Container {
    Array(Vec<Value>),
    /// A struct whose members are `members[start..]`, and once it is large,
    /// the set of their names.
    Struct {
        start: usize,
        seen: Option<HashSet<String>>,
    },
}

/// The open containers, innermost last.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    containers: Vec<Container>,
    /// Members of all open structs, innermost last.
    members: Vec<(String, Value)>,
}

impl Builder {
    /// How many containers are open.
    pub(crate) fn depth(&self) -> usize {
        self.containers.len()
    }

    pub(crate) fn open_struct(&mut self) {
        self.containers.push(Container::Struct {
            start: self.members.len(),
            seen: None,
        });
    }

    pub(crate) fn open_array(&mut self) {
        self.containers.push(Container::Array(Vec::new()));
    }

    /// The innermost container as a finished value.
    pub(crate) fn close(&mut self) -> Option<Value> {
        Some(match self.containers.pop()? {
            Container::Struct { start, .. } => {
                let start = start.min(self.members.len());
                let mut s = Struct::with_capacity(self.members.len() - start);
                for (name, value) in self.members.drain(start..) {
                    s.push(name, value);
                }
                Value::Struct(s)
            }
            Container::Array(values) => Value::Array(Array::from(values)),
        })
    }

    /// Appends to the innermost container, which must be an array; the
    /// value comes back if it is not.
    pub(crate) fn push_item(&mut self, value: Value) -> Result<(), Value> {
        match self.containers.last_mut() {
            Some(Container::Array(values)) => {
                values.push(value);
                Ok(())
            }
            _ => Err(value),
        }
    }

    /// Appends a member to the innermost struct, refusing duplicate names
    /// (SPEC rule 15); the error names the member.
    pub(crate) fn add_member(&mut self, name: String, value: Value, at: usize) -> Result<(), Fail> {
        let Some(Container::Struct { start, seen }) = self.containers.last_mut() else {
            return Err(Fail::new(
                DecodeErrorKind::Structure,
                at,
                "internal: no open struct",
            ));
        };
        let open = self.members.get(*start..).unwrap_or_default();
        let duplicate = match seen {
            Some(set) => !set.insert(name.clone()),
            None => {
                let duplicate = open.iter().any(|(n, _)| *n == name);
                if !duplicate && open.len() >= LINEAR_MEMBER_CHECK {
                    let mut set: HashSet<String> = open.iter().map(|(n, _)| n.clone()).collect();
                    set.insert(name.clone());
                    *seen = Some(set);
                }
                duplicate
            }
        };
        if duplicate {
            let shown: String = name.chars().take(40).collect();
            return Err(Fail::new(
                DecodeErrorKind::Structure,
                at,
                format!("duplicate struct member `{shown}`"),
            ));
        }
        self.members.push((name, value));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_structs_share_the_member_stack() {
        let mut b = Builder::default();
        b.open_struct();
        b.add_member("a".into(), Value::Int(1), 0).unwrap();
        b.open_struct();
        b.add_member("a".into(), Value::Int(2), 0).unwrap();
        let inner = b.close().unwrap();
        b.add_member("b".into(), inner, 0).unwrap();
        let Some(Value::Struct(outer)) = b.close() else {
            panic!("a struct");
        };
        assert_eq!(outer.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            outer.get("b").and_then(|v| v.as_struct()).map(Struct::len),
            Some(1)
        );
        assert!(b.close().is_none());
    }

    #[test]
    fn duplicates_found_small_and_large() {
        for n in [3, 50] {
            let mut b = Builder::default();
            b.open_struct();
            for i in 0..n {
                b.add_member(format!("m{i}"), Value::Nil, 0).unwrap();
            }
            let err = b.add_member("m1".into(), Value::Nil, 7).unwrap_err();
            assert!(err.msg.contains("`m1`"), "{n}: {}", err.msg);
            b.add_member(format!("m{n}"), Value::Nil, 0).unwrap();
        }
    }
}
