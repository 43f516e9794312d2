//! Every Rust <-> XML-RPC value mapping of `xmlrpc_proto::serde`, and every
//! error path with its exact wording. Param lists and type names are in
//! `serde_params.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

mod serde_support;

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_support::*;
use xmlrpc_proto::serde::{from_value, to_params, to_value};
use xmlrpc_proto::{DateTime, Value};
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
    let v = envelope_with_string_age();
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

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
enum Color {
    Red,
    Blue,
}

#[test]
fn unit_enum_map_keys_are_member_names() {
    let mut map = BTreeMap::new();
    map.insert(Color::Red, 1);
    map.insert(Color::Blue, 2);
    let v = to_value(&map).unwrap();
    assert_eq!(v, s(&[("Red", Value::Int(1)), ("Blue", Value::Int(2))]));
    assert_eq!(from_value::<BTreeMap<Color, i32>>(v).unwrap(), map);
    assert_err(
        from_value::<BTreeMap<Color, i32>>(s(&[("Green", Value::Int(1))])),
        "Green: unknown variant `Green`, expected `Red` or `Blue`",
    );
}

/// Reads only the first element of an array, leaving the rest.
#[derive(Debug)]
struct FirstOnly(i32);

impl<'de> Deserialize<'de> for FirstOnly {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = FirstOnly;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<FirstOnly, A::Error> {
                let first = seq.next_element()?.unwrap_or(0);
                Ok(FirstOnly(first))
            }
        }
        d.deserialize_seq(V)
    }
}

#[test]
fn array_elements_left_unread_are_an_error() {
    assert_eq!(from_value::<FirstOnly>(a(&[Value::Int(4)])).unwrap().0, 4);
    assert_err(
        from_value::<FirstOnly>(a(&[Value::Int(4), Value::Int(5)])),
        "expected array of 1 elements, found array of 2",
    );
    assert_err(
        from_value::<(i32, i32)>(Value::Int(1)),
        "expected array of 2 elements, found int",
    );
}

/// Calls `serialize_value` with no key first: a broken `Serialize`.
struct ValueWithoutKey;

impl Serialize for ValueWithoutKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        map.serialize_value(&1)?;
        map.end()
    }
}

#[test]
fn broken_serialize_impls_are_errors() {
    assert_err(
        to_value(&ValueWithoutKey),
        "map value serialized before its key",
    );
}
