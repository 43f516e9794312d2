//! `Value` <-> serde's data model: typed params and results.
//!
//! CONTRACT (implemented in the serde work).

mod error;

pub use error::Error;

use ::serde::de::DeserializeOwned;
use ::serde::Serialize;

use crate::Value;

/// Serializes any `Serialize` value into a [`Value`].
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    let _ = value;
    todo!("serde")
}

/// Deserializes a `T` from a [`Value`]; errors name the path inside it.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    let _ = value;
    todo!("serde")
}

/// Turns typed arguments into a param list: a tuple is the list, `()` is no
/// params, any other value is one param.
pub fn to_params<T: Serialize + ?Sized>(value: &T) -> Result<Vec<Value>, Error> {
    let _ = value;
    todo!("serde")
}

/// Reads typed arguments from a param list (usually a tuple type); errors
/// name the parameter, e.g. `params[0].user.age: expected i32, found string`.
pub fn from_params<T: DeserializeOwned>(params: Vec<Value>) -> Result<T, Error> {
    let _ = params;
    todo!("serde")
}
