//! Helpers and types shared by the serde mapping tests.

#![allow(dead_code)]

use serde::{Deserialize, Serialize};
use xmlrpc_proto::serde::Error;
use xmlrpc_proto::{Array, DateTime, Struct, Value};

/// A struct value with these members in order.
pub fn s(members: &[(&str, Value)]) -> Value {
    let mut st = Struct::new();
    for (name, value) in members {
        st.push(*name, value.clone());
    }
    Value::Struct(st)
}

/// An array value.
pub fn a(values: &[Value]) -> Value {
    Value::Array(Array::from(values.to_vec()))
}

/// A string value.
pub fn str_v(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// Asserts the error's full text (`path: message`).
pub fn assert_err<T: std::fmt::Debug>(result: Result<T, Error>, expected: &str) {
    match result {
        Ok(v) => panic!("expected error {expected:?}, got Ok({v:?})"),
        Err(e) => assert_eq!(e.to_string(), expected),
    }
}

/// 1998-07-17 14:08:55, no zone.
pub fn date() -> DateTime {
    "19980717T14:08:55".parse().unwrap()
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    #[serde(rename = "userName")]
    pub name: String,
    pub age: i32,
    pub tags: Vec<String>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub user: User,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Marker;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub enum Shape {
    Empty,
    Circle(f64),
    Point(i32, i32),
    Rect { w: u16, h: u16 },
}

/// `{user: {userName, age, tags}}` with `age` mistyped as a string.
pub fn envelope_with_string_age() -> Value {
    s(&[(
        "user",
        s(&[
            ("userName", str_v("x")),
            ("age", str_v("old")),
            ("tags", a(&[])),
        ]),
    )])
}
