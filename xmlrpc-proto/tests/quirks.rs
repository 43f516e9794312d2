//! Reading what real servers send beyond the spec: strict by default (each
//! quirk is an error naming the option that accepts it), and with
//! `DecodeOptions` each reads as a value the caller can tell apart.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap here is a failed test

use bytes::BytesMut;
use xmlrpc_proto::decode::{decode_response_with_options, DecodeOptions};
use xmlrpc_proto::{encode_response, DateTime, Limits, MethodResponse, Value};

fn response(value: &str) -> String {
    format!(
        "<methodResponse><params><param><value>{value}</value></param></params></methodResponse>"
    )
}

fn read(value: &str, options: DecodeOptions) -> Result<Value, String> {
    match decode_response_with_options(response(value).as_bytes(), Limits::client(), options) {
        Ok(MethodResponse::Success(v)) => Ok(v),
        Ok(MethodResponse::Fault(f)) => Err(format!("fault {f:?}")),
        Err(e) => Err(e.to_string()),
    }
}

const EMPTY_SCALARS: [&str; 12] = [
    "<int/>",
    "<int></int>",
    "<i4> </i4>",
    "<i8/>",
    "<boolean/>",
    "<double/>",
    "<dateTime.iso8601/>",
    "<ex:i1/>",
    "<ex:i2/>",
    "<ex:i8/>",
    "<ex:float/>",
    "<ex:dateTime/>",
];

#[test]
fn empty_scalars_are_refused_by_default_naming_the_option() {
    for tag in EMPTY_SCALARS {
        let err = read(tag, DecodeOptions::strict()).unwrap_err();
        assert!(
            err.contains("empty <") && err.contains("lenient_empty_scalars"),
            "{tag}: {err}"
        );
    }
}

#[test]
fn empty_scalars_read_as_nil_when_lenient_never_as_zero() {
    let options = DecodeOptions::strict().lenient_empty_scalars(true);
    for tag in EMPTY_SCALARS {
        assert_eq!(read(tag, options), Ok(Value::Nil), "{tag}");
    }
    // Empty strings and base64 were always valid and stay what they are.
    assert_eq!(read("<string/>", options), Ok(Value::String(String::new())));
    assert_eq!(
        read("<base64/>", options),
        Ok(Value::Base64(Default::default()))
    );
    // Non-empty values are unchanged; a bad one is still an error.
    assert_eq!(read("<int>7</int>", options), Ok(Value::Int(7)));
    assert!(read("<int>x</int>", options).is_err());
}

#[test]
fn the_all_zero_date_is_refused_by_default_and_distinguishable_when_lenient() {
    for text in [
        "00000000T00:00:00",
        "0000-00-00T00:00:00",
        " 00000000T00:00:00\n",
    ] {
        let tag = format!("<dateTime.iso8601>{text}</dateTime.iso8601>");
        let err = read(&tag, DecodeOptions::strict()).unwrap_err();
        assert!(
            err.contains("all-zero") && err.contains("lenient_zero_date"),
            "{err}"
        );
        let options = DecodeOptions::strict().lenient_zero_date(true);
        let Ok(Value::DateTime(date)) = read(&tag, options) else {
            panic!("{text:?} not read as a date")
        };
        assert!(date.is_zero() && date == DateTime::ZERO);
    }
    // Only the all-zero form: other impossible dates stay errors.
    let options = DecodeOptions::lenient();
    for bad in [
        "00000000T00:00:01",
        "20240000T00:00:00",
        "00000100T00:00:00",
    ] {
        let tag = format!("<dateTime.iso8601>{bad}</dateTime.iso8601>");
        assert!(read(&tag, options).is_err(), "{bad}");
    }
    // A real date is never zero.
    let Ok(Value::DateTime(real)) = read(
        "<dateTime.iso8601>19700101T00:00:00</dateTime.iso8601>",
        options,
    ) else {
        panic!()
    };
    assert!(!real.is_zero());
}

#[test]
fn the_zero_date_is_written_back_unchanged() {
    let mut out = BytesMut::new();
    encode_response(
        &MethodResponse::Success(Value::DateTime(DateTime::ZERO)),
        &mut out,
    )
    .unwrap();
    let text = String::from_utf8(out.to_vec()).unwrap();
    assert!(
        text.contains("<dateTime.iso8601>00000000T00:00:00</dateTime.iso8601>"),
        "{text}"
    );
    assert_eq!(DateTime::ZERO.to_string(), "00000000T00:00:00");
}

#[cfg(feature = "chrono")]
#[test]
fn chrono_refuses_the_zero_date() {
    assert!(chrono::NaiveDateTime::try_from(DateTime::ZERO).is_err());
}

#[cfg(feature = "time")]
#[test]
fn time_refuses_the_zero_date() {
    assert!(time::PrimitiveDateTime::try_from(DateTime::ZERO).is_err());
}

#[test]
fn servers_stay_strict() {
    // The server machine decodes calls with the strict options.
    let call = "<methodCall><methodName>m</methodName><params><param><value><int/></value></param></params></methodCall>";
    assert!(xmlrpc_proto::decode_call(call.as_bytes()).is_err());
}
