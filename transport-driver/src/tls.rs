//! TLS through rustls with the ring provider (the `tls` feature): the
//! configurations every transport uses, so trust and defaults agree.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use xmlrpc_proto::client::{ClientConfig, ConfigError};

pub use rustls::ServerConfig as TlsServerConfig;

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A server configuration from a DER certificate chain (leaf first) and its
/// DER private key (PKCS#8, PKCS#1 or SEC1).
pub fn server_config(
    cert_chain: Vec<Vec<u8>>,
    private_key: Vec<u8>,
) -> Result<Arc<TlsServerConfig>, ConfigError> {
    let chain = cert_chain.into_iter().map(CertificateDer::from).collect();
    let key = PrivateKeyDer::try_from(private_key)
        .map_err(|e| ConfigError::Tls(format!("private key: {e}")))?;
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| ConfigError::Tls(format!("certificate: {e}")))?;
    Ok(Arc::new(config))
}

/// The client side of one client: its rustls configuration and the name
/// the server's certificate must carry.
#[derive(Clone, Debug)]
pub struct ClientTls {
    /// The rustls configuration.
    pub config: Arc<rustls::ClientConfig>,
    /// The server name checked against the certificate.
    pub name: ServerName<'static>,
}

impl ClientTls {
    /// Trusts the standard (webpki) roots **and** `config.tls_roots`, and
    /// checks certificates against the address's host.
    pub fn new(config: &ClientConfig) -> Result<ClientTls, ConfigError> {
        let roots = root_store(config)?;
        let builder = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| ConfigError::Tls(e.to_string()))?
            .with_root_certificates(roots);
        let tls = match &config.tls_client_identity {
            None => builder.with_no_client_auth(),
            Some(identity) => {
                let (chain, key) = crate::tls_pem::client_identity(identity)?;
                builder.with_client_auth_cert(chain, key).map_err(|e| {
                    let (cert, key) = (&identity.certificate.origin, &identity.key.origin);
                    ConfigError::Tls(format!("{cert} with {key}: {e}"))
                })?
            }
        };
        let host = match &config.address {
            xmlrpc_proto::http::Address::Tcp(tcp) => tcp.host.clone(),
            other => {
                let why = format!("TLS needs a TCP address, not {}", other.scheme().name());
                return Err(ConfigError::Tls(why));
            }
        };
        let name = ServerName::try_from(host)
            .map_err(|e| ConfigError::Tls(format!("server name: {e}")))?;
        Ok(ClientTls {
            config: Arc::new(tls),
            name,
        })
    }
}

/// The standard (webpki) roots and, besides them, `config.tls_roots`.
fn root_store(config: &ClientConfig) -> Result<rustls::RootCertStore, ConfigError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for (i, der) in config.tls_roots.iter().enumerate() {
        roots
            .add(CertificateDer::from(der.clone()))
            .map_err(|e| ConfigError::Tls(format!("root certificate #{}: {e}", i + 1)))?;
    }
    for pem in &config.tls_root_pems {
        for (i, der) in crate::tls_pem::certificates(pem)?.into_iter().enumerate() {
            roots.add(der).map_err(|e| {
                ConfigError::Tls(format!("{}: certificate #{}: {e}", pem.origin, i + 1))
            })?;
        }
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_roots_are_trusted_besides_the_standard_ones() {
        let config = ClientConfig::builder("https://127.0.0.1/RPC2")
            .build()
            .expect("config");
        let standard = ClientTls::new(&config).expect("standard roots");
        assert!(matches!(standard.name, ServerName::IpAddress(_)));
        let bad = ClientConfig::builder("https://x/")
            .tls_root_certificate(vec![1, 2, 3])
            .build()
            .expect("config");
        match ClientTls::new(&bad) {
            Err(ConfigError::Tls(why)) => assert!(why.contains("root certificate #1"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_extra_root_adds_to_the_standard_roots_and_replaces_none() {
        let cert =
            rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("certificate");
        let config = ClientConfig::builder("https://localhost/RPC2")
            .tls_root_certificate(cert.cert.der().to_vec())
            .build()
            .expect("config");
        let standard = webpki_roots::TLS_SERVER_ROOTS.len();
        assert!(standard > 100, "the webpki set is there");
        assert_eq!(root_store(&config).expect("roots").len(), standard + 1);
    }

    #[test]
    fn a_bad_key_is_a_configuration_error() {
        let err = server_config(vec![vec![0]], vec![1, 2, 3]).expect_err("bad key");
        assert!(matches!(err, ConfigError::Tls(_)));
    }
}
