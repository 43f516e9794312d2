//! TLS through rustls (ring provider) over any `futures-io` stream.
//!
//! Clients trust the webpki roots plus any certificate added with
//! [`ClientBuilder::tls_root_certificate`](crate::ClientBuilder::tls_root_certificate);
//! servers take a ready `rustls::ServerConfig`, or build one with
//! [`server_config`] from DER certificates and a key.

use std::io;
use std::sync::Arc;

use futures_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use futures_rustls::rustls::{ClientConfig, RootCertStore, ServerConfig};
use futures_rustls::{TlsAcceptor, TlsConnector};

/// The rustls version this crate builds on, for constructing configs.
pub use futures_rustls::rustls;

use crate::rt::{BoxIo, Io};

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn tls_error(e: rustls::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, e)
}

/// A client config trusting the webpki roots and `extra_roots` (DER).
pub(crate) fn client_config(extra_roots: &[Vec<u8>]) -> io::Result<Arc<ClientConfig>> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for der in extra_roots {
        roots
            .add(CertificateDer::from(der.clone()))
            .map_err(tls_error)?;
    }
    let config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A server config presenting `cert_chain` (DER, leaf first) with `key_der`
/// (PKCS#8, PKCS#1 or SEC1 DER). Refuses a key that does not match.
pub fn server_config(cert_chain: Vec<Vec<u8>>, key_der: Vec<u8>) -> io::Result<Arc<ServerConfig>> {
    let chain = cert_chain.into_iter().map(CertificateDer::from).collect();
    let key = PrivateKeyDer::try_from(key_der)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(tls_error)?;
    Ok(Arc::new(config))
}

/// Runs the client handshake for `host` over `stream`.
pub(crate) async fn connect<S: Io + 'static>(
    config: Arc<ClientConfig>,
    host: &str,
    stream: S,
) -> io::Result<BoxIo> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let tls = TlsConnector::from(config).connect(name, stream).await?;
    Ok(Box::new(tls))
}

/// Runs the server handshake over an accepted stream.
pub(crate) async fn accept(config: Arc<ServerConfig>, stream: BoxIo) -> io::Result<BoxIo> {
    let tls = TlsAcceptor::from(config).accept(stream).await?;
    Ok(Box::new(tls))
}
