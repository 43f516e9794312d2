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
        Ok(match name {
            b"value" => Tag::Value,
            b"member" => Tag::Member,
            b"name" => Tag::Name,
            b"string" => Tag::String,
            b"int" => Tag::Int,
            b"i4" => Tag::I4,
            b"struct" => Tag::Struct,
            b"array" => Tag::Array,
            b"data" => Tag::Data,
            b"double" => Tag::Double,
            b"boolean" => Tag::Boolean,
            b"dateTime.iso8601" => Tag::DateTime,
            b"base64" => Tag::Base64,
            b"i8" => Tag::I8,
            b"nil" => Tag::Nil,
            b"param" => Tag::Param,
            b"params" => Tag::Params,
            b"methodName" => Tag::MethodName,
            b"methodCall" => Tag::MethodCall,
            b"methodResponse" => Tag::MethodResponse,
            b"fault" => Tag::Fault,
            b"ex:nil" => Tag::ExNil,
            b"ex:i1" => Tag::ExI1,
            b"ex:i2" => Tag::ExI2,
            b"ex:i4" => Tag::ExI4,
            b"ex:i8" => Tag::ExI8,
            b"ex:float" => Tag::ExFloat,
            b"ex:dateTime" => Tag::ExDateTime,
            _ => return Err(unknown(name, at)),
        })
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
