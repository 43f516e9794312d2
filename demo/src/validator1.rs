//! The validator1 conformance suite (userland.com's XML-RPC validator), as
//! typed handlers.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use xmlrpc_proto::service::Router;
use xmlrpc_proto::{fault_code, DateTime, Fault, Struct};

/// Registers every `validator1.*` method.
pub(super) fn register(router: &mut Router) {
    router
        .register("validator1.arrayOfStructsTest", array_of_structs)
        .help(
            "Takes an array of structs, each with at least the int members moe, larry \
             and curly, and returns the sum of all the curly members.",
        )
        .signature(["int", "array"]);
    router
        .register("validator1.countTheEntities", count_the_entities)
        .help(
            "Takes a string and returns a struct counting its characters that XML \
             escapes: ctLeftAngleBrackets, ctRightAngleBrackets, ctAmpersands, \
             ctApostrophes and ctQuotes.",
        )
        .signature(["struct", "string"]);
    router
        .register("validator1.easyStructTest", easy_struct)
        .help("Takes a struct with the int members moe, larry and curly, and returns their sum.")
        .signature(["int", "struct"]);
    router
        .register(
            "validator1.echoStructTest",
            |s: Struct| -> Result<Struct, Fault> { Ok(s) },
        )
        .help("Takes a struct and returns it unchanged.")
        .signature(["struct", "struct"]);
    router
        .register("validator1.manyTypesTest", many_types)
        .help(
            "Takes six parameters (int, boolean, string, double, dateTime.iso8601, \
             base64) and returns an array of them.",
        )
        .signature([
            "array",
            "int",
            "boolean",
            "string",
            "double",
            "dateTime.iso8601",
            "base64",
        ]);
    router
        .register("validator1.moderateSizeArrayCheck", moderate_size_array)
        .help(
            "Takes an array of strings (100 to 200 in the test) and returns the first \
             and the last concatenated.",
        )
        .signature(["string", "array"]);
    router
        .register("validator1.nestedStructTest", nested_struct)
        .help(
            "Takes a calendar struct (years, then months, then days) and returns the sum \
             of moe, larry and curly of the day 2000-04-01.",
        )
        .signature(["int", "struct"]);
    router
        .register("validator1.simpleStructReturnTest", simple_struct_return)
        .help(
            "Takes an int and returns a struct with times10, times100 and times1000: the \
             number multiplied by 10, 100 and 1000.",
        )
        .signature(["struct", "int"]);
}

/// The three members every validator1 struct carries (others are ignored).
#[derive(Debug, Deserialize)]
struct Stooges {
    moe: i32,
    larry: i32,
    curly: i32,
}

impl Stooges {
    fn sum(&self) -> i64 {
        i64::from(self.moe) + i64::from(self.larry) + i64::from(self.curly)
    }
}

fn array_of_structs(structs: Vec<Stooges>) -> Result<i64, Fault> {
    Ok(structs.iter().map(|s| i64::from(s.curly)).sum())
}

/// The counts `validator1.countTheEntities` returns.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct EntityCounts {
    ct_left_angle_brackets: usize,
    ct_right_angle_brackets: usize,
    ct_ampersands: usize,
    ct_apostrophes: usize,
    ct_quotes: usize,
}

fn count_the_entities(text: String) -> Result<EntityCounts, Fault> {
    let mut counts = EntityCounts::default();
    for c in text.chars() {
        match c {
            '<' => counts.ct_left_angle_brackets += 1,
            '>' => counts.ct_right_angle_brackets += 1,
            '&' => counts.ct_ampersands += 1,
            '\'' => counts.ct_apostrophes += 1,
            '"' => counts.ct_quotes += 1,
            _ => {}
        }
    }
    Ok(counts)
}

fn easy_struct(s: Stooges) -> Result<i64, Fault> {
    Ok(s.sum())
}

/// The six params of `validator1.manyTypesTest`, returned as an array.
type ManyTypes = (i32, bool, String, f64, DateTime, Binary);

fn many_types(
    n: i32,
    b: bool,
    s: String,
    d: f64,
    t: DateTime,
    bytes: Binary,
) -> Result<ManyTypes, Fault> {
    Ok((n, b, s, d, t, bytes))
}

fn moderate_size_array(strings: Vec<String>) -> Result<String, Fault> {
    match (strings.first(), strings.last()) {
        (Some(first), Some(last)) => Ok(format!("{first}{last}")),
        _ => Err(Fault::new(
            fault_code::INVALID_PARAMS,
            "params[0]: expected a non-empty array of strings, found an empty array",
        )),
    }
}

/// One day of the calendar: most are empty structs.
#[derive(Debug, Deserialize)]
struct Day {
    moe: Option<i32>,
    larry: Option<i32>,
    curly: Option<i32>,
}

/// Years, then months, then days.
type Calendar = HashMap<String, HashMap<String, HashMap<String, Day>>>;

fn nested_struct(calendar: Calendar) -> Result<i64, Fault> {
    let day = calendar
        .get("2000")
        .and_then(|months| months.get("04"))
        .and_then(|days| days.get("01"))
        .ok_or_else(|| Fault::new(fault_code::INVALID_PARAMS, "params[0].2000.04.01: missing"))?;
    let member = |value: Option<i32>, name: &str| {
        value.map(i64::from).ok_or_else(|| {
            Fault::new(
                fault_code::INVALID_PARAMS,
                format!("params[0].2000.04.01.{name}: missing"),
            )
        })
    };
    Ok(member(day.moe, "moe")? + member(day.larry, "larry")? + member(day.curly, "curly")?)
}

/// The struct `validator1.simpleStructReturnTest` returns.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Multiples {
    times10: i64,
    times100: i64,
    times1000: i64,
}

fn simple_struct_return(n: i32) -> Result<Multiples, Fault> {
    let n = i64::from(n);
    Ok(Multiples {
        times10: n * 10,
        times100: n * 100,
        times1000: n * 1000,
    })
}

/// Bytes that travel as `<base64>`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Binary(Vec<u8>);

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BinaryVisitor;
        impl Visitor<'_> for BinaryVisitor {
            type Value = Binary;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("base64")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Binary, E> {
                Ok(Binary(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Binary, E> {
                Ok(Binary(v))
            }
        }
        deserializer.deserialize_byte_buf(BinaryVisitor)
    }
}
