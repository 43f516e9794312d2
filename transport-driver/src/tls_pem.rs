//! PEM certificates and keys from the client configuration, parsed for
//! rustls; every error names where the PEM came from (a file path, or the
//! builder method's phrase).

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use xmlrpc_proto::client::{ClientIdentity, ConfigError, Pem};

/// Every certificate in `pem`; none at all is an error.
pub(crate) fn certificates(pem: &Pem) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let certs = CertificateDer::pem_slice_iter(&pem.bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConfigError::Tls(format!("{}: not PEM certificates: {e}", pem.origin)))?;
    if certs.is_empty() {
        let why = format!("{}: no PEM certificate in it", pem.origin);
        return Err(ConfigError::Tls(why));
    }
    Ok(certs)
}

/// The certificate chain and the private key of `identity`.
pub(crate) fn client_identity(
    identity: &ClientIdentity,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), ConfigError> {
    let chain = certificates(&identity.certificate)?;
    let key = &identity.key;
    let key = PrivateKeyDer::from_pem_slice(&key.bytes)
        .map_err(|e| ConfigError::Tls(format!("{}: no usable PEM private key: {e}", key.origin)))?;
    Ok((chain, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_origin() {
        let empty = Pem::new(b"hello".to_vec(), "/etc/ca.pem");
        match certificates(&empty) {
            Err(ConfigError::Tls(why)) => assert!(why.starts_with("/etc/ca.pem: "), "{why}"),
            other => panic!("{other:?}"),
        }
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
        let identity = ClientIdentity {
            certificate: Pem::new(cert.cert.pem(), "client.pem"),
            key: Pem::new(b"not a key".to_vec(), "client.key"),
        };
        match client_identity(&identity) {
            Err(ConfigError::Tls(why)) => assert!(why.starts_with("client.key: "), "{why}"),
            other => panic!("{other:?}"),
        }
        let good = ClientIdentity {
            certificate: Pem::new(cert.cert.pem(), "client.pem"),
            key: Pem::new(cert.signing_key.serialize_pem(), "client.key"),
        };
        let (chain, _) = client_identity(&good).expect("parses");
        assert_eq!(chain.len(), 1);
    }
}
