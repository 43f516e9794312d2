//! Round trips through the serde mapping for arbitrary values:
//! `from_value(to_value(x)) == x` for derived types with nested collections,
//! options, bytes, dates and enums; `Value` maps to itself; and no `Value`,
//! however mistyped, makes reading a typed value panic.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use proptest::collection::{btree_map, hash_map, vec};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use xmlrpc_proto::serde::{from_params, from_value, to_params, to_value};
use xmlrpc_proto::{Array, DateTime, Struct, Value};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum Kind {
    Unit,
    New(i64),
    Pair(u8, String),
    Named { flag: Option<bool>, list: Vec<i16> },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Leaf {
    id: u32,
    #[serde(rename = "displayName")]
    name: String,
    #[serde(with = "serde_bytes")]
    data: Vec<u8>,
    when: DateTime,
    maybe_when: Option<DateTime>,
    ratio: f64,
    small: f32,
    letter: char,
    big: i64,
    tiny: i8,
    kind: Kind,
    nothing: (),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Tree {
    leaves: Vec<Leaf>,
    index: BTreeMap<String, Vec<Option<u64>>>,
    kinds: HashMap<String, Kind>,
    pair: (i32, Option<String>),
    children: Vec<Tree>,
}

fn datetime() -> impl Strategy<Value = DateTime> {
    (
        (0u16..=9999, 1u8..=12, 1u8..=28),
        (0u8..=23, 0u8..=59, 0u8..=60),
        prop_oneof![Just(0u32), 0u32..1_000_000_000],
        proptest::option::of(-1439i16..=1439),
    )
        .prop_map(|((y, mo, d), (h, mi, s), nanos, offset)| {
            DateTime::new(y, mo, d, h, mi, s)
                .and_then(|dt| dt.with_nanosecond(nanos))
                .and_then(|dt| dt.with_offset_minutes(offset))
                .expect("fields are in range")
        })
}

fn finite_f64() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite", |d| d.is_finite())
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Unit),
        any::<i64>().prop_map(Kind::New),
        (any::<u8>(), ".{0,8}").prop_map(|(a, b)| Kind::Pair(a, b)),
        (any::<Option<bool>>(), vec(any::<i16>(), 0..4))
            .prop_map(|(flag, list)| Kind::Named { flag, list }),
    ]
}

fn leaf() -> impl Strategy<Value = Leaf> {
    (
        (any::<u32>(), ".{0,12}", vec(any::<u8>(), 0..16)),
        (datetime(), proptest::option::of(datetime())),
        (
            finite_f64(),
            any::<f32>().prop_filter("finite", |f| f.is_finite()),
        ),
        (any::<char>(), any::<i64>(), any::<i8>(), kind()),
    )
        .prop_map(
            |((id, name, data), (when, maybe_when), (ratio, small), (letter, big, tiny, kind))| {
                Leaf {
                    id,
                    name,
                    data,
                    when,
                    maybe_when,
                    ratio,
                    small,
                    letter,
                    big,
                    tiny,
                    kind,
                    nothing: (),
                }
            },
        )
}

fn tree() -> impl Strategy<Value = Tree> {
    let flat = (
        vec(leaf(), 0..3),
        btree_map(
            "[a-z]{0,6}",
            vec(proptest::option::of(0..=i64::MAX as u64), 0..4),
            0..3,
        ),
        hash_map("[A-Z]{1,4}", kind(), 0..3),
        (any::<i32>(), proptest::option::of(".{0,6}")),
    )
        .boxed();
    let node = move |children: BoxedStrategy<Vec<Tree>>| {
        (flat.clone(), children).prop_map(|((leaves, index, kinds, pair), children)| Tree {
            leaves,
            index,
            kinds,
            pair,
            children,
        })
    };
    let leaf_node = node.clone()(Just(Vec::new()).boxed()).boxed();
    leaf_node.prop_recursive(3, 12, 3, move |inner| node(vec(inner, 0..3).boxed()))
}

/// Any `Value` in canonical form: `I8` only outside 32 bits, finite doubles,
/// unique member names.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<i32>().prop_map(Value::Int),
        any::<i64>()
            .prop_filter("outside 32 bits", |n| i32::try_from(*n).is_err())
            .prop_map(Value::I8),
        any::<bool>().prop_map(Value::Bool),
        finite_f64().prop_map(Value::Double),
        ".{0,10}".prop_map(Value::String),
        datetime().prop_map(Value::DateTime),
        vec(any::<u8>(), 0..10).prop_map(|b| Value::Base64(Bytes::from(b))),
        Just(Value::Nil),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(|v| Value::Array(Array::from(v))),
            vec((".{0,6}", inner), 0..6)
                .prop_map(|members| Value::Struct(members.into_iter().collect::<Struct>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn derived_types_round_trip(t in tree()) {
        let v = to_value(&t).unwrap();
        prop_assert_eq!(from_value::<Tree>(v).unwrap(), t);
    }

    #[test]
    fn leaves_round_trip_as_params(l in leaf(), k in kind(), n in any::<i64>()) {
        let params = to_params(&(l.clone(), k.clone(), n)).unwrap();
        prop_assert_eq!(params.len(), 3);
        let back: (Leaf, Kind, i64) = from_params(params).unwrap();
        prop_assert_eq!(back, (l, k, n));
    }

    #[test]
    fn values_map_to_themselves(v in value()) {
        prop_assert_eq!(to_value(&v).unwrap(), v.clone());
        prop_assert_eq!(from_value::<Value>(v.clone()).unwrap(), v);
    }

    #[test]
    fn mistyped_values_are_errors_not_panics(v in value()) {
        // Whatever the shape, reading a typed value answers Ok or Err.
        let _ = from_value::<Tree>(v.clone());
        let _ = from_value::<Vec<Leaf>>(v.clone());
        let _ = from_value::<(Kind, Option<DateTime>)>(v.clone());
        let _ = from_params::<(u32, Option<Kind>)>(vec![v]);
    }
}
