//! Param lists (`to_params`, `from_params`: arity, trailing options, paths
//! rooted at `params`) and the type names derived for method signatures.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

mod serde_support;

use std::collections::{BTreeMap, HashMap};

use serde_support::*;
use xmlrpc_proto::serde::{from_params, to_params, to_value, type_name_of};
use xmlrpc_proto::{Array, DateTime, Struct, Value};

#[test]
fn to_params_tuple_is_the_list_anything_else_one_param() {
    assert_eq!(
        to_params(&(1, "a")).unwrap(),
        vec![Value::Int(1), str_v("a")]
    );
    assert_eq!(to_params(&()).unwrap(), Vec::<Value>::new());
    assert_eq!(to_params(&5).unwrap(), vec![Value::Int(5)]);
    assert_eq!(to_params(&(5,)).unwrap(), vec![Value::Int(5)]);
    assert_eq!(
        to_params(&vec![1, 2]).unwrap(),
        vec![a(&[Value::Int(1), Value::Int(2)])]
    );
    let user = User {
        name: "n".into(),
        age: 1,
        tags: vec![],
    };
    assert_eq!(to_params(&user).unwrap(), vec![to_value(&user).unwrap()]);
    assert_eq!(to_params(&None::<i32>).unwrap(), vec![Value::Nil]);
    assert_eq!(to_params(&Marker).unwrap(), vec![Value::Nil]);
    assert_eq!(to_params(&Shape::Empty).unwrap(), vec![str_v("Empty")]);
    assert_eq!(
        to_params(&Shape::Point(1, 2)).unwrap(),
        vec![to_value(&Shape::Point(1, 2)).unwrap()]
    );
    let mut map = BTreeMap::new();
    map.insert("k", 1);
    assert_eq!(to_params(&map).unwrap(), vec![s(&[("k", Value::Int(1))])]);
    assert_eq!(to_params(&date()).unwrap(), vec![Value::DateTime(date())]);
}

#[test]
fn from_params_reads_tuples_and_single_values() {
    let (n, name): (u32, String) = from_params(vec![Value::Int(4), str_v("x")]).unwrap();
    assert_eq!((n, name.as_str()), (4, "x"));
    let user: User = from_params(vec![s(&[
        ("userName", str_v("u")),
        ("age", Value::Int(2)),
        ("tags", a(&[])),
    ])])
    .unwrap();
    assert_eq!(user.age, 2);
    let single: i64 = from_params(vec![Value::I8(1 << 40)]).unwrap();
    assert_eq!(single, 1 << 40);
    let list: Vec<i32> = from_params(vec![a(&[Value::Int(1)])]).unwrap();
    assert_eq!(list, [1]);
    from_params::<()>(vec![]).unwrap();
    assert_eq!(
        from_params::<DateTime>(vec![Value::DateTime(date())]).unwrap(),
        date()
    );
}

#[test]
fn from_params_arity_errors() {
    assert_err(
        from_params::<(i32, i32)>(vec![Value::Int(1); 3]),
        "params: expected 2 params, found 3",
    );
    assert_err(
        from_params::<(i32, i32)>(vec![Value::Int(1)]),
        "params: expected 2 params, found 1",
    );
    assert_err(
        from_params::<i32>(vec![]),
        "params: expected 1 param, found 0",
    );
    assert_err(
        from_params::<i32>(vec![Value::Int(1), Value::Int(2)]),
        "params: expected 1 param, found 2",
    );
    assert_err(
        from_params::<()>(vec![Value::Nil]),
        "params: expected 0 params, found 1",
    );
}

#[test]
fn from_params_trailing_options_may_be_absent() {
    let (a1, b1): (i32, Option<String>) = from_params(vec![Value::Int(1)]).unwrap();
    assert_eq!((a1, b1), (1, None));
    let (a2, b2, c2): (i32, Option<i32>, Option<i32>) =
        from_params(vec![Value::Int(1), Value::Int(2)]).unwrap();
    assert_eq!((a2, b2, c2), (1, Some(2), None));
    assert_eq!(from_params::<Option<i32>>(vec![]).unwrap(), None);
    assert_eq!(
        from_params::<Option<i32>>(vec![Value::Int(3)]).unwrap(),
        Some(3)
    );
    // Only trailing ones: a required param after a missing one still fails.
    assert_err(
        from_params::<(i32, Option<i32>, i32)>(vec![Value::Int(1)]),
        "params: expected 3 params, found 1",
    );
}

#[test]
fn from_params_paths_start_at_params() {
    let v = envelope_with_string_age();
    assert_err(
        from_params::<(Envelope,)>(vec![v.clone()]),
        "params[0].user.age: expected i32, found string",
    );
    assert_err(
        from_params::<Envelope>(vec![v.clone()]),
        "params[0].user.age: expected i32, found string",
    );
    assert_err(
        from_params::<(i32, Envelope)>(vec![Value::Int(1), v]),
        "params[1].user.age: expected i32, found string",
    );
    assert_err(
        from_params::<(String, i32)>(vec![Value::Int(1), Value::Int(2)]),
        "params[0]: expected string, found int",
    );
    let e = from_params::<i32>(vec![str_v("x")]).unwrap_err();
    assert_eq!(e.path(), "params[0]");
    assert_eq!(e.message(), "expected i32, found string");
}

#[test]
fn type_names_for_signatures() {
    assert_eq!(type_name_of::<i32>(), Some("int"));
    assert_eq!(type_name_of::<u16>(), Some("int"));
    assert_eq!(type_name_of::<i8>(), Some("int"));
    assert_eq!(type_name_of::<i64>(), Some("i8"));
    assert_eq!(type_name_of::<u32>(), Some("i8"));
    assert_eq!(type_name_of::<u64>(), Some("i8"));
    assert_eq!(type_name_of::<bool>(), Some("boolean"));
    assert_eq!(type_name_of::<String>(), Some("string"));
    assert_eq!(type_name_of::<char>(), Some("string"));
    assert_eq!(type_name_of::<f32>(), Some("double"));
    assert_eq!(type_name_of::<f64>(), Some("double"));
    assert_eq!(type_name_of::<DateTime>(), Some("dateTime.iso8601"));
    assert_eq!(type_name_of::<Option<DateTime>>(), Some("dateTime.iso8601"));
    assert_eq!(type_name_of::<serde_bytes::ByteBuf>(), Some("base64"));
    assert_eq!(type_name_of::<User>(), Some("struct"));
    assert_eq!(type_name_of::<HashMap<String, i32>>(), Some("struct"));
    assert_eq!(type_name_of::<Vec<User>>(), Some("array"));
    assert_eq!(type_name_of::<(i32, i32)>(), Some("array"));
    assert_eq!(type_name_of::<()>(), Some("nil"));
    assert_eq!(type_name_of::<Marker>(), Some("nil"));
    assert_eq!(type_name_of::<Option<i32>>(), Some("int"));
    assert_eq!(type_name_of::<Box<bool>>(), Some("boolean"));
    assert_eq!(type_name_of::<Shape>(), None);
    assert_eq!(type_name_of::<Value>(), None);
    assert_eq!(type_name_of::<Struct>(), Some("struct"));
    assert_eq!(type_name_of::<Array>(), Some("array"));
}

#[test]
fn vec_of_values_is_one_array_param() {
    // Not the raw param list: only tuples spread over params.
    let list: Vec<Value> = from_params(vec![a(&[Value::Int(1), Value::Nil])]).unwrap();
    assert_eq!(list, [Value::Int(1), Value::Nil]);
    assert_err(
        from_params::<Vec<Value>>(vec![Value::Int(1), Value::Int(2)]),
        "params: expected 1 param, found 2",
    );
}

#[test]
fn fixed_size_arrays_spread_but_slices_do_not() {
    // serde serializes [T; N] as a tuple.
    assert_eq!(
        to_params(&[1, 2]).unwrap(),
        vec![Value::Int(1), Value::Int(2)]
    );
    assert_eq!(
        to_params(&[1, 2][..]).unwrap(),
        vec![a(&[Value::Int(1), Value::Int(2)])]
    );
    let (x, y): (i32, i32) = from_params(vec![Value::Int(1), Value::Int(2)]).unwrap();
    assert_eq!((x, y), (1, 2));
}

#[test]
fn single_param_errors_are_rooted_at_params_0() {
    let mut map = BTreeMap::new();
    map.insert(1, "x");
    assert_err(
        to_params(&map),
        "params[0]: expected a string map key (struct member name), found integer",
    );
    let mut nested = HashMap::new();
    nested.insert("k", vec![u64::MAX]);
    assert_err(
        to_params(&nested),
        "params[0].k[0]: integer 18446744073709551615 does not fit XML-RPC i8 (64 bits)",
    );
    assert_err(
        to_params(&vec![u128::MAX]),
        "params[0][0]: integer 340282366920938463463374607431768211455 does not fit XML-RPC i8 (64 bits)",
    );
}
