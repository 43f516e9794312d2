//! The element names of XML-RPC, including Apache's `ex:` extension types
//! (SPEC rules 6 and 18).

use super::error::{DecodeErrorKind, Fail};
use super::text::Scalar;

/// Every element the decoder understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tag {
    MethodCall,
    MethodResponse,
    MethodName,
    Params,
    Param,
    Fault,
    Value,
    Struct,
    Member,
    Name,
    Array,
    Data,
    Int,
    I4,
    I8,
    Boolean,
    String,
    Double,
    DateTime,
    Base64,
    Nil,
    ExNil,
    ExI1,
    ExI2,
    ExI4,
    ExI8,
    ExFloat,
    ExDateTime,
    /// Only skipped, in a fault's extra member; refused anywhere else.
    ExSerializable,
    /// Only skipped, in a fault's extra member; refused anywhere else.
    ExDom,
}

/// What a child of `<value>` is.
pub(crate) enum Kind {
    Scalar(Scalar),
    Nil,
    Struct,
    Array,
    /// Not a value type.
    Other,
}

impl Tag {
    /// The tag for a start tag's name; unknown, foreign-prefixed and refused
    /// `ex:` names are failures.
    pub(crate) fn parse(name: &[u8], at: usize) -> Result<Tag, Fail> {
        // Dispatch on length, then compare fixed-size arrays: integer
        // compares instead of a memcmp call per candidate.
        fn is<const N: usize>(name: &[u8], lit: &[u8; N]) -> bool {
            <&[u8; N]>::try_from(name).is_ok_and(|a| a == lit)
        }
        let tag = match name.len() {
            2 if is(name, b"i4") => Tag::I4,
            2 if is(name, b"i8") => Tag::I8,
            3 if is(name, b"int") => Tag::Int,
            3 if is(name, b"nil") => Tag::Nil,
            4 if is(name, b"name") => Tag::Name,
            4 if is(name, b"data") => Tag::Data,
            5 if is(name, b"value") => Tag::Value,
            5 if is(name, b"array") => Tag::Array,
            5 if is(name, b"param") => Tag::Param,
            5 if is(name, b"fault") => Tag::Fault,
            5 if is(name, b"ex:i1") => Tag::ExI1,
            5 if is(name, b"ex:i2") => Tag::ExI2,
            5 if is(name, b"ex:i4") => Tag::ExI4,
            5 if is(name, b"ex:i8") => Tag::ExI8,
            6 if is(name, b"member") => Tag::Member,
            6 if is(name, b"string") => Tag::String,
            6 if is(name, b"struct") => Tag::Struct,
            6 if is(name, b"double") => Tag::Double,
            6 if is(name, b"base64") => Tag::Base64,
            6 if is(name, b"params") => Tag::Params,
            6 if is(name, b"ex:nil") => Tag::ExNil,
            7 if is(name, b"boolean") => Tag::Boolean,
            8 if is(name, b"ex:float") => Tag::ExFloat,
            10 if is(name, b"methodName") => Tag::MethodName,
            10 if is(name, b"methodCall") => Tag::MethodCall,
            11 if is(name, b"ex:dateTime") => Tag::ExDateTime,
            14 if is(name, b"methodResponse") => Tag::MethodResponse,
            16 if is(name, b"dateTime.iso8601") => Tag::DateTime,
            _ => return Err(unknown(name, at)),
        };
        Ok(tag)
    }

    /// The element name as written on the wire.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Tag::MethodCall => "methodCall",
            Tag::MethodResponse => "methodResponse",
            Tag::MethodName => "methodName",
            Tag::Params => "params",
            Tag::Param => "param",
            Tag::Fault => "fault",
            Tag::Value => "value",
            Tag::Struct => "struct",
            Tag::Member => "member",
            Tag::Name => "name",
            Tag::Array => "array",
            Tag::Data => "data",
            Tag::Int => "int",
            Tag::I4 => "i4",
            Tag::I8 => "i8",
            Tag::Boolean => "boolean",
            Tag::String => "string",
            Tag::Double => "double",
            Tag::DateTime => "dateTime.iso8601",
            Tag::Base64 => "base64",
            Tag::Nil => "nil",
            Tag::ExNil => "ex:nil",
            Tag::ExI1 => "ex:i1",
            Tag::ExI2 => "ex:i2",
            Tag::ExI4 => "ex:i4",
            Tag::ExI8 => "ex:i8",
            Tag::ExFloat => "ex:float",
            Tag::ExDateTime => "ex:dateTime",
            Tag::ExSerializable => "ex:serializable",
            Tag::ExDom => "ex:dom",
        }
    }

    /// What this element is as the child of a `<value>`.
    pub(crate) fn kind(self) -> Kind {
        let scalar = match self {
            Tag::Int => Scalar::Int("int"),
            Tag::I4 => Scalar::Int("i4"),
            Tag::ExI4 => Scalar::Int("ex:i4"),
            Tag::ExI1 => Scalar::I1,
            Tag::ExI2 => Scalar::I2,
            Tag::I8 => Scalar::I8("i8"),
            Tag::ExI8 => Scalar::I8("ex:i8"),
            Tag::Boolean => Scalar::Bool,
            Tag::Double => Scalar::Double,
            Tag::ExFloat => Scalar::Float,
            Tag::String => Scalar::String,
            Tag::DateTime | Tag::ExDateTime => Scalar::DateTime,
            Tag::Base64 => Scalar::Base64,
            Tag::Nil | Tag::ExNil => return Kind::Nil,
            Tag::Struct => return Kind::Struct,
            Tag::Array => return Kind::Array,
            _ => return Kind::Other,
        };
        Kind::Scalar(scalar)
    }
}

/// The failure for a name that is not an XML-RPC element.
fn unknown(name: &[u8], at: usize) -> Fail {
    let shown = String::from_utf8_lossy(&name[..name.len().min(40)]).into_owned();
    let msg = match name {
        b"ex:serializable" | b"ex:dom" => {
            format!("<{shown}> is refused: its content is never decoded (SPEC rule 18)")
        }
        _ if name.starts_with(b"ex:") => format!("unknown Apache extension type <{shown}>"),
        _ if name.contains(&b':') => {
            format!("prefixed element <{shown}> not allowed (only the Apache `ex:` types)")
        }
        _ => format!("unknown element <{shown}>"),
    };
    Fail::new(DecodeErrorKind::Structure, at, msg)
}
