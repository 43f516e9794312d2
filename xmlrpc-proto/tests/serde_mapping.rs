//! Every Rust <-> XML-RPC mapping of `xmlrpc_proto::serde`, and every error
//! path with its exact wording.

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use xmlrpc_proto::serde::{from_params, from_value, to_params, to_value, type_name_of, Error};
use xmlrpc_proto::{Array, DateTime, Struct, Value};

fn s(members: &[(&str, Value)]) -> Value {
    let mut st = Struct::new();
    for (name, value) in members {
        st.push(*name, value.clone());
    }
    Value::Struct(st)
}

fn a(values: &[Value]) -> Value {
    Value::Array(Array::from(values.to_vec()))
}

fn str_v(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// Asserts the error's full text (`path: message`).
fn assert_err<T: std::fmt::Debug>(result: Result<T, Error>, expected: &str) {
    match result {
        Ok(v) => panic!("expected error {expected:?}, got Ok({v:?})"),
        Err(e) => assert_eq!(e.to_string(), expected),
    }
}

fn date() -> DateTime {
    "19980717T14:08:55".parse().unwrap()
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct User {
    #[serde(rename = "userName")]
    name: String,
    age: i32,
    tags: Vec<String>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Envelope {
    user: User,
}

#[test]
fn struct_members_follow_field_order_and_renames() {
    let user = User {
        name: "ann".into(),
        age: 41,
        tags: vec!["a".into()],
    };
    let v = to_value(&user).unwrap();
    assert_eq!(
        v,
        s(&[
            ("userName", str_v("ann")),
            ("age", Value::Int(41)),
            ("tags", a(&[str_v("a")])),
        ])
    );
    assert_eq!(from_value::<User>(v).unwrap(), user);
}

#[test]
fn struct_members_are_found_in_any_order_and_extras_ignored() {
    let v = s(&[
        ("extra", Value::Bool(true)),
        ("tags", a(&[])),
        ("age", Value::Int(3)),
        ("userName", str_v("b")),
    ]);
    let user: User = from_value(v).unwrap();
    assert_eq!(user.name, "b");
    assert_eq!(user.age, 3);
}

#[test]
fn sequences_slices_and_tuples_are_arrays() {
    assert_eq!(
        to_value(&vec![1u8, 2]).unwrap(),
        a(&[Value::Int(1), Value::Int(2)])
    );
    let slice: &[&str] = &["x", "y"];
    assert_eq!(to_value(slice).unwrap(), a(&[str_v("x"), str_v("y")]));
    assert_eq!(
        to_value(&(1, "two", true)).unwrap(),
        a(&[Value::Int(1), str_v("two"), Value::Bool(true)])
    );
    let back: (i32, String, bool) =
        from_value(a(&[Value::Int(1), str_v("two"), Value::Bool(true)])).unwrap();
    assert_eq!(back, (1, "two".into(), true));
    let v: Vec<Vec<i64>> = from_value(a(&[a(&[Value::I8(1 << 40)]), a(&[])])).unwrap();
    assert_eq!(v, vec![vec![1i64 << 40], vec![]]);
}

#[test]
fn tuple_of_wrong_length_is_an_error() {
    assert_err(
        from_value::<(i32, i32)>(a(&[Value::Int(1)])),
        "expected array of 2 elements, found array of 1",
    );
    assert_err(
        from_value::<Vec<(i32, i32)>>(a(&[a(&[Value::Int(1), Value::Int(1), Value::Int(1)])])),
        "[0]: expected array of 2 elements, found array of 3",
    );
}

#[test]
fn string_keyed_maps_are_structs() {
    let mut map = BTreeMap::new();
    map.insert("b".to_string(), 2);
    map.insert("a".to_string(), 1);
    let v = to_value(&map).unwrap();
    assert_eq!(v, s(&[("a", Value::Int(1)), ("b", Value::Int(2))]));
    let back: HashMap<String, i32> = from_value(v).unwrap();
    assert_eq!(back.len(), 2);
    assert_eq!(back["b"], 2);
}

#[test]
fn non_string_map_keys_are_errors() {
    let mut map = BTreeMap::new();
    map.insert(7, "x");
    assert_err(
        to_value(&map),
        "expected a string map key (struct member name), found integer",
    );
    let mut nested = BTreeMap::new();
    nested.insert("inner", map);
    assert_err(
        to_value(&nested),
        "inner: expected a string map key (struct member name), found integer",
    );
    assert_err(
        from_value::<HashMap<u32, i32>>(s(&[("7", Value::Int(1))])),
        "7: expected u32, found string",
    );
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Marker;

#[test]
fn none_unit_and_unit_structs_are_nil() {
    assert_eq!(to_value(&None::<i32>).unwrap(), Value::Nil);
    assert_eq!(to_value(&Some(5)).unwrap(), Value::Int(5));
    assert_eq!(to_value(&()).unwrap(), Value::Nil);
    assert_eq!(to_value(&Marker).unwrap(), Value::Nil);
    assert_eq!(from_value::<Option<i32>>(Value::Nil).unwrap(), None);
    assert_eq!(from_value::<Option<i32>>(Value::Int(5)).unwrap(), Some(5));
    from_value::<()>(Value::Nil).unwrap();
    assert_eq!(from_value::<Marker>(Value::Nil).unwrap(), Marker);
    assert_err(from_value::<()>(Value::Int(1)), "expected nil, found int");
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Optional {
    a: Option<i32>,
    b: Option<String>,
}

#[test]
fn absent_option_members_read_as_none() {
    let v: Optional = from_value(s(&[("a", Value::Int(1))])).unwrap();
    assert_eq!(
        v,
        Optional {
            a: Some(1),
            b: None
        }
    );
}

#[test]
fn small_integers_are_int() {
    assert_eq!(to_value(&-5i8).unwrap(), Value::Int(-5));
    assert_eq!(to_value(&-300i16).unwrap(), Value::Int(-300));
    assert_eq!(to_value(&i32::MIN).unwrap(), Value::Int(i32::MIN));
    assert_eq!(to_value(&255u8).unwrap(), Value::Int(255));
    assert_eq!(to_value(&65535u16).unwrap(), Value::Int(65535));
}

#[test]
fn wide_integers_take_the_narrowest_type_and_never_truncate() {
    assert_eq!(to_value(&7i64).unwrap(), Value::Int(7));
    assert_eq!(to_value(&(1i64 << 31)).unwrap(), Value::I8(1 << 31));
    assert_eq!(to_value(&i64::MIN).unwrap(), Value::I8(i64::MIN));
    assert_eq!(to_value(&(i32::MAX as u32)).unwrap(), Value::Int(i32::MAX));
    assert_eq!(to_value(&u32::MAX).unwrap(), Value::I8(u32::MAX.into()));
    assert_eq!(to_value(&(i64::MAX as u64)).unwrap(), Value::I8(i64::MAX));
    assert_eq!(to_value(&-1i128).unwrap(), Value::Int(-1));
    assert_eq!(to_value(&5u128).unwrap(), Value::Int(5));
    assert_err(
        to_value(&u64::MAX),
        "integer 18446744073709551615 does not fit XML-RPC i8 (64 bits)",
    );
    assert_err(
        to_value(&(i128::from(i64::MIN) - 1)),
        "integer -9223372036854775809 does not fit XML-RPC i8 (64 bits)",
    );
    assert_err(
        to_value(&u128::MAX),
        "integer 340282366920938463463374607431768211455 does not fit XML-RPC i8 (64 bits)",
    );
}

#[test]
fn integers_read_back_when_in_range() {
    assert_eq!(from_value::<i64>(Value::Int(-3)).unwrap(), -3);
    assert_eq!(from_value::<u32>(Value::Int(3)).unwrap(), 3);
    assert_eq!(
        from_value::<u32>(Value::I8(u32::MAX.into())).unwrap(),
        u32::MAX
    );
    assert_eq!(from_value::<i32>(Value::I8(12)).unwrap(), 12);
    assert_eq!(from_value::<u8>(Value::Int(200)).unwrap(), 200);
    assert_eq!(from_value::<i128>(Value::I8(-9)).unwrap(), -9);
    assert_eq!(from_value::<u128>(Value::Int(9)).unwrap(), 9);
    let refused = [
        (
            from_value::<u32>(Value::Int(-1)).map(drop),
            "expected u32, found int -1",
        ),
        (
            from_value::<u8>(Value::Int(256)).map(drop),
            "expected u8, found int 256",
        ),
        (
            from_value::<i8>(Value::Int(-129)).map(drop),
            "expected i8, found int -129",
        ),
        (
            from_value::<i16>(Value::Int(40000)).map(drop),
            "expected i16, found int 40000",
        ),
        (
            from_value::<u16>(Value::Int(-2)).map(drop),
            "expected u16, found int -2",
        ),
        (
            from_value::<u64>(Value::I8(-1)).map(drop),
            "expected u64, found i8 -1",
        ),
        (
            from_value::<u128>(Value::I8(-1)).map(drop),
            "expected u128, found i8 -1",
        ),
        (
            from_value::<i32>(Value::I8(1 << 40)).map(drop),
            "expected i32, found i8 1099511627776",
        ),
        (
            from_value::<i32>(Value::Double(1.0)).map(drop),
            "expected i32, found double",
        ),
        (
            from_value::<i64>(str_v("1")).map(drop),
            "expected i64, found string",
        ),
    ];
    for (result, expected) in refused {
        assert_err(result, expected);
    }
}

#[test]
fn floats_are_double_and_integers_widen_when_exact() {
    assert_eq!(to_value(&1.5f32).unwrap(), Value::Double(1.5));
    assert_eq!(to_value(&-0.25f64).unwrap(), Value::Double(-0.25));
    // Left to the encoder to refuse.
    assert!(matches!(to_value(&f64::NAN).unwrap(), Value::Double(d) if d.is_nan()));
    assert_eq!(from_value::<f64>(Value::Double(2.5)).unwrap(), 2.5);
    assert_eq!(from_value::<f32>(Value::Double(2.5)).unwrap(), 2.5);
    assert_eq!(from_value::<f64>(Value::Int(-7)).unwrap(), -7.0);
    assert_eq!(
        from_value::<f64>(Value::I8(1 << 53)).unwrap(),
        9007199254740992.0
    );
    assert_eq!(from_value::<f32>(Value::Int(1 << 24)).unwrap(), 16777216.0);
    assert_err(
        from_value::<f64>(Value::I8((1 << 53) + 1)),
        "expected f64, found i8 9007199254740993 (not exactly representable)",
    );
    assert_err(
        from_value::<f32>(Value::Int((1 << 24) + 1)),
        "expected f32, found int 16777217 (not exactly representable)",
    );
    assert_err(
        from_value::<f32>(Value::Double(1e300)),
        "expected f32, found double 1e300 (out of range)",
    );
    assert_err(
        from_value::<f64>(Value::Bool(true)),
        "expected f64, found boolean",
    );
}

#[test]
fn chars_and_strings_are_string() {
    assert_eq!(to_value(&'é').unwrap(), str_v("é"));
    assert_eq!(to_value("a b").unwrap(), str_v("a b"));
    assert_eq!(to_value(&String::from(" x\n")).unwrap(), str_v(" x\n"));
    assert_eq!(from_value::<char>(str_v("é")).unwrap(), 'é');
    assert_eq!(from_value::<String>(str_v(" x\n")).unwrap(), " x\n");
    assert_err(
        from_value::<char>(str_v("ab")),
        "expected char, found string of other length than 1",
    );
    assert_err(
        from_value::<char>(str_v("")),
        "expected char, found string of other length than 1",
    );
    assert_err(
        from_value::<String>(Value::Int(1)),
        "expected string, found int",
    );
    assert_err(
        from_value::<String>(Value::DateTime(date())),
        "expected string, found dateTime.iso8601",
    );
}

#[test]
fn booleans() {
    assert_eq!(to_value(&true).unwrap(), Value::Bool(true));
    assert!(!from_value::<bool>(Value::Bool(false)).unwrap());
    assert_err(
        from_value::<bool>(Value::Int(1)),
        "expected bool, found int",
    );
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Blob {
    #[serde(with = "serde_bytes")]
    data: Vec<u8>,
}

#[test]
fn serde_bytes_is_base64() {
    let blob = Blob {
        data: vec![0, 1, 255],
    };
    let v = to_value(&blob).unwrap();
    assert_eq!(
        v,
        s(&[("data", Value::Base64(Bytes::from_static(&[0, 1, 255])))])
    );
    assert_eq!(from_value::<Blob>(v).unwrap(), blob);
    let buf: serde_bytes::ByteBuf = from_value(Value::Base64(Bytes::from_static(b"hi"))).unwrap();
    assert_eq!(buf.as_slice(), b"hi");
    assert_err(
        from_value::<serde_bytes::ByteBuf>(str_v("aGk=")),
        "expected base64, found string",
    );
}

#[test]
fn plain_vec_u8_is_an_array_but_also_reads_base64() {
    assert_eq!(
        to_value(&vec![1u8, 2]).unwrap(),
        a(&[Value::Int(1), Value::Int(2)])
    );
    let v: Vec<u8> = from_value(Value::Base64(Bytes::from_static(&[9, 8]))).unwrap();
    assert_eq!(v, [9, 8]);
    assert_err(
        from_value::<Vec<u8>>(a(&[Value::Int(1), Value::Int(300)])),
        "[1]: expected u8, found int 300",
    );
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Event {
    when: DateTime,
    maybe: Option<DateTime>,
}

#[test]
fn datetime_stays_a_datetime_through_serde() {
    let dt: DateTime = "2024-02-29T23:59:60.5+05:30".parse().unwrap();
    assert_eq!(to_value(&dt).unwrap(), Value::DateTime(dt));
    let ev = Event {
        when: dt,
        maybe: Some(date()),
    };
    let v = to_value(&ev).unwrap();
    assert_eq!(
        v,
        s(&[
            ("when", Value::DateTime(dt)),
            ("maybe", Value::DateTime(date()))
        ])
    );
    assert_eq!(from_value::<Event>(v).unwrap(), ev);
    // Value itself keeps it too.
    assert_eq!(
        from_value::<Value>(Value::DateTime(dt)).unwrap(),
        Value::DateTime(dt)
    );
    assert_eq!(to_value(&Value::DateTime(dt)).unwrap(), Value::DateTime(dt));
}

#[test]
fn datetime_reads_strings_and_other_formats_see_strings() {
    assert_eq!(
        from_value::<DateTime>(str_v("1998-07-17T14:08:55")).unwrap(),
        date()
    );
    assert_err(
        from_value::<Event>(s(&[("when", str_v("yesterday")), ("maybe", Value::Nil)])),
        "when: invalid dateTime.iso8601: date-time is not YYYYMMDDTHH:MM:SS or YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm]",
    );
    assert_err(
        from_value::<DateTime>(Value::Int(1)),
        "expected dateTime.iso8601, found int",
    );
    let json = serde_json::to_string(&date()).unwrap();
    assert_eq!(json, "\"19980717T14:08:55\"");
    assert_eq!(serde_json::from_str::<DateTime>(&json).unwrap(), date());
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Shape {
    Empty,
    Circle(f64),
    Point(i32, i32),
    Rect { w: u16, h: u16 },
}

#[test]
fn enums_are_externally_tagged() {
    let cases = [
        (Shape::Empty, str_v("Empty")),
        (Shape::Circle(1.5), s(&[("Circle", Value::Double(1.5))])),
        (
            Shape::Point(1, -2),
            s(&[("Point", a(&[Value::Int(1), Value::Int(-2)]))]),
        ),
        (
            Shape::Rect { w: 3, h: 4 },
            s(&[("Rect", s(&[("w", Value::Int(3)), ("h", Value::Int(4))]))]),
        ),
    ];
    for (shape, value) in cases {
        assert_eq!(to_value(&shape).unwrap(), value);
        assert_eq!(from_value::<Shape>(value).unwrap(), shape);
    }
}

#[test]
fn enum_errors_name_the_variant() {
    assert_err(
        from_value::<Shape>(str_v("Hexagon")),
        "unknown variant `Hexagon`, expected one of `Empty`, `Circle`, `Point`, `Rect`",
    );
    assert_err(
        from_value::<Shape>(str_v("Circle")),
        "expected {Circle: value}, found string",
    );
    assert_err(
        from_value::<Shape>(s(&[(
            "Rect",
            s(&[("w", Value::Int(-1)), ("h", Value::Int(1))]),
        )])),
        "Rect.w: expected u16, found int -1",
    );
    assert_err(
        from_value::<Shape>(s(&[("Point", a(&[Value::Int(1), str_v("x")]))])),
        "Point[1]: expected i32, found string",
    );
    assert_err(
        from_value::<Shape>(s(&[("Empty", Value::Int(1))])),
        "expected unit variant Empty as a string, found struct {Empty: int}",
    );
    assert_err(
        from_value::<Shape>(s(&[])),
        "expected enum Shape (a string or a struct of one member), found struct of 0 members",
    );
    assert_err(
        from_value::<Shape>(Value::Int(1)),
        "expected enum Shape (a string or a struct of one member), found int",
    );
}

#[test]
fn mistyped_members_name_their_path() {
    let v = s(&[(
        "user",
        s(&[
            ("userName", str_v("x")),
            ("age", str_v("old")),
            ("tags", a(&[])),
        ]),
    )]);
    assert_err(
        from_value::<Envelope>(v),
        "user.age: expected i32, found string",
    );
    let v = a(&[s(&[(
        "user",
        s(&[
            ("userName", str_v("x")),
            ("age", Value::Int(1)),
            ("tags", a(&[str_v("ok"), Value::Nil])),
        ]),
    )])]);
    assert_err(
        from_value::<Vec<Envelope>>(v),
        "[0].user.tags[1]: expected string, found nil",
    );
    assert_err(
        from_value::<Envelope>(s(&[("user", s(&[("age", Value::Int(1))]))])),
        "user: missing field `userName`",
    );
    assert_err(
        from_value::<Envelope>(a(&[])),
        "expected struct Envelope, found array",
    );
    assert_err(
        from_value::<Vec<i32>>(Value::Int(1)),
        "expected array, found int",
    );
    assert_err(
        from_value::<HashMap<String, i32>>(a(&[])),
        "expected struct, found array",
    );
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Strict {
    a: i32,
}

#[test]
fn unknown_members_are_refused_when_asked() {
    assert_err(
        from_value::<Strict>(s(&[("a", Value::Int(1)), ("b", Value::Int(2))])),
        "b: unknown field `b`, expected `a`",
    );
}

#[test]
fn serialize_errors_name_their_path() {
    #[derive(Serialize)]
    struct Outer {
        list: Vec<Option<u64>>,
    }
    assert_err(
        to_value(&Outer {
            list: vec![None, Some(u64::MAX)],
        }),
        "list[1]: integer 18446744073709551615 does not fit XML-RPC i8 (64 bits)",
    );
    assert_err(
        to_params(&(
            1,
            Outer {
                list: vec![Some(u64::MAX)],
            },
        )),
        "params[1].list[0]: integer 18446744073709551615 does not fit XML-RPC i8 (64 bits)",
    );
    assert_err(
        to_params(&Outer {
            list: vec![Some(u64::MAX)],
        }),
        "params[0].list[0]: integer 18446744073709551615 does not fit XML-RPC i8 (64 bits)",
    );
    #[derive(Serialize)]
    enum E {
        V { x: u128 },
    }
    assert_err(
        to_value(&vec![E::V { x: u128::MAX }]),
        "[0].V.x: integer 340282366920938463463374607431768211455 does not fit XML-RPC i8 (64 bits)",
    );
}

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
    let v = s(&[(
        "user",
        s(&[
            ("userName", str_v("x")),
            ("age", str_v("old")),
            ("tags", a(&[])),
        ]),
    )]);
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
fn value_maps_to_itself() {
    let v = s(&[
        ("i", Value::Int(-1)),
        ("big", Value::I8(1 << 40)),
        ("b", Value::Bool(true)),
        ("d", Value::Double(0.5)),
        ("s", str_v("")),
        ("t", Value::DateTime(date())),
        ("bytes", Value::Base64(Bytes::from_static(b"\0\x01"))),
        ("arr", a(&[Value::Nil, a(&[])])),
        ("st", s(&[])),
        ("nil", Value::Nil),
    ]);
    assert_eq!(to_value(&v).unwrap(), v);
    assert_eq!(from_value::<Value>(v.clone()).unwrap(), v);
    // The canonical form: an I8 that fits 32 bits is an Int.
    assert_eq!(to_value(&Value::I8(3)).unwrap(), Value::Int(3));
    assert_eq!(from_value::<Value>(Value::I8(3)).unwrap(), Value::Int(3));
    let st: Struct = from_value(s(&[("k", Value::Int(1))])).unwrap();
    assert_eq!(st.get("k"), Some(&Value::Int(1)));
    let arr: Array = from_value(a(&[Value::Int(1)])).unwrap();
    assert_eq!(arr.len(), 1);
    assert_err(
        from_value::<Array>(Value::Int(1)),
        "expected array, found int",
    );
}

#[test]
fn value_inside_typed_structs() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Holder {
        any: Value,
        many: Vec<Value>,
    }
    let h = Holder {
        any: Value::DateTime(date()),
        many: vec![Value::Base64(Bytes::from_static(b"x")), Value::Nil],
    };
    assert_eq!(from_value::<Holder>(to_value(&h).unwrap()).unwrap(), h);
}

#[test]
fn value_through_serde_json_uses_json_types() {
    let v = s(&[
        ("t", Value::DateTime(date())),
        ("n", Value::I8(1 << 40)),
        ("x", Value::Nil),
    ]);
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(
        json,
        r#"{"t":"19980717T14:08:55","n":1099511627776,"x":null}"#
    );
    let back: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back,
        s(&[
            ("t", str_v("19980717T14:08:55")),
            ("n", Value::I8(1 << 40)),
            ("x", Value::Nil),
        ])
    );
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Flat {
    id: i32,
    #[serde(flatten)]
    rest: FlatRest,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct FlatRest {
    when: DateTime,
    n: i64,
    #[serde(with = "serde_bytes")]
    raw: Vec<u8>,
}

#[test]
fn flattened_members_keep_their_types() {
    let flat = Flat {
        id: 1,
        rest: FlatRest {
            when: date(),
            n: 1 << 40,
            raw: vec![1, 2],
        },
    };
    let v = to_value(&flat).unwrap();
    assert_eq!(
        v,
        s(&[
            ("id", Value::Int(1)),
            ("when", Value::DateTime(date())),
            ("n", Value::I8(1 << 40)),
            ("raw", Value::Base64(Bytes::from_static(&[1, 2]))),
        ])
    );
    assert_eq!(from_value::<Flat>(v).unwrap(), flat);
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum Loose {
    Number(i64),
    Text(String),
    When(DateTime),
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
enum Tagged {
    Ping,
    Move { x: i32 },
}

#[test]
fn untagged_and_internally_tagged_enums() {
    for (loose, value) in [
        (Loose::Number(5), Value::Int(5)),
        (Loose::Text("t".into()), str_v("t")),
        (Loose::When(date()), Value::DateTime(date())),
    ] {
        assert_eq!(to_value(&loose).unwrap(), value);
        assert_eq!(from_value::<Loose>(value).unwrap(), loose);
    }
    let mv = Tagged::Move { x: -1 };
    let v = to_value(&mv).unwrap();
    assert_eq!(v, s(&[("type", str_v("Move")), ("x", Value::Int(-1))]));
    assert_eq!(from_value::<Tagged>(v).unwrap(), mv);
    assert_eq!(
        from_value::<Tagged>(s(&[("type", str_v("Ping"))])).unwrap(),
        Tagged::Ping
    );
}
