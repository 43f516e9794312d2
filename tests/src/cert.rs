//! A self-signed certificate for `localhost`, made fresh in each test.

use crate::TlsIdentity;

/// A self-signed certificate valid for `localhost` and `127.0.0.1`.
pub fn self_signed() -> TlsIdentity {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let certified = rcgen::generate_simple_self_signed(names).expect("rcgen makes a certificate");
    TlsIdentity {
        cert_der: certified.cert.der().to_vec(),
        key_der: certified.signing_key.serialize_der(),
    }
}
