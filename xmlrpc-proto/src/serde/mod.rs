//! `Value` <-> serde's data model: typed params and results.
//!
//! [`to_value`] and [`from_value`] run a real serde `Serializer` into a
//! [`Value`] and a `Deserializer` over one (no JSON detour).
//!
//! | Rust | XML-RPC |
//! |---|---|
//! | `bool` | `boolean` |
//! | `i8`, `i16`, `i32`, `u8`, `u16` | `int` |
//! | `i64`, `u32`, `u64`, `i128`, `u128` | `int` when it fits 32 bits, else `i8`; beyond 64 bits an error, never truncated |
//! | `f32`, `f64` | `double` (NaN and infinities are left for the encoder to refuse) |
//! | `char`, `str`, `String` | `string` |
//! | bytes (`serde_bytes`) | `base64` |
//! | [`DateTime`](crate::DateTime) | `dateTime.iso8601` |
//! | `None`, `()`, unit structs | `nil` |
//! | structs, maps with string keys | `struct`, members in field order, renames honoured |
//! | `Vec`, slices, tuples, tuple structs | `array` |
//! | newtype structs | their inner value |
//! | enums | unit variant: `string`; others: `struct` of one member `{Variant: payload}` |
//!
//! Reading back is strict. Lossless widening is allowed (`int` into `i64`
//! or `f64`, `int`/`i8` into `f64` when exact, into unsigned types when not
//! negative, into narrower types when in range); anything else is an
//! [`Error`] whose path says where: `params[0].user.age: expected i32, found
//! string`. `f32` reads any `double` within its range (rounding is what
//! `f32` means), and `Vec<u8>` reads `base64` as well as an array.
//!
//! Two things do not survive the trip: `Some(None)` and `Some(())` become
//! `None` (all are `nil`), and an `I8` small enough for 32 bits comes back
//! as `Int`. Nesting deeper than [`MAX_NESTING`] is refused both ways.

mod access;
mod datetime_serde;
mod de;
mod error;
mod params;
mod ser;
mod type_name;
mod value_serde;

pub use error::Error;
pub use type_name::type_name_of;

use ::serde::de::DeserializeOwned;
use ::serde::Serialize;

use crate::Value;

/// How deeply arrays and structs may nest in a value converted either way;
/// deeper is an error, so a hostile value cannot overflow the stack. Far
/// above the decoder's default depth limit (64).
pub const MAX_NESTING: usize = 256;

/// Serializes any `Serialize` value into a [`Value`].
///
/// Fails on integers beyond 64 bits, map keys that are not strings, and
/// errors raised by the value's own `Serialize`; the error's path says where.
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    value
        .serialize(ser::ValueSerializer::ROOT)
        .map_err(|e| e.rooted(""))
}

/// Deserializes a `T` from a [`Value`]; errors name the path inside it
/// (`user.age`, `[2].name`).
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    T::deserialize(de::ValueDeserializer::new(value)).map_err(|e| e.rooted(""))
}

/// Turns typed arguments into a param list: a tuple is the list, `()` is no
/// params, any other value is one param.
///
/// Fixed-size arrays (`[T; N]`) serialize as tuples in serde, so they are
/// a list of `N` params too; use a `Vec` or slice for one array param.
/// Error paths start at `params`, e.g. `params[1].when`.
pub fn to_params<T: Serialize + ?Sized>(value: &T) -> Result<Vec<Value>, Error> {
    value
        .serialize(params::ParamsSerializer)
        .map_err(|e| e.rooted("params"))
}

/// Reads typed arguments from a param list (usually a tuple type); errors
/// name the parameter, e.g. `params[0].user.age: expected i32, found string`.
///
/// A tuple reads one param per element: too many params is an error
/// (`params: expected 2 params, found 3`), and so are too few, except that
/// trailing `Option` elements may be left off and read as `None`. `()` reads
/// an empty list. Any other type reads exactly one param; a lone `Option`
/// also reads an empty list as `None`.
pub fn from_params<T: DeserializeOwned>(params: Vec<Value>) -> Result<T, Error> {
    T::deserialize(params::ParamsDeserializer::new(params)).map_err(|e| e.rooted("params"))
}
