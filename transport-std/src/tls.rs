//! TLS through rustls with the ring provider (feature `tls`).

use std::io;
use std::net::TcpStream;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};

use crate::stream::Stream;

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn tls_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

/// A server config for one certificate chain and its PKCS#8 key (all DER),
/// ready for [`ServerBuilder::tls`](crate::ServerBuilder::tls).
pub fn server_config(
    cert_chain_der: Vec<Vec<u8>>,
    key_der: Vec<u8>,
) -> io::Result<Arc<rustls::ServerConfig>> {
    let chain = cert_chain_der
        .into_iter()
        .map(CertificateDer::from)
        .collect();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der));
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(tls_error)?;
    Ok(Arc::new(config))
}

/// A client config trusting the web PKI roots plus `extra_roots` (DER).
pub(crate) fn client_config(extra_roots: &[Vec<u8>]) -> io::Result<Arc<rustls::ClientConfig>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for der in extra_roots {
        roots
            .add(CertificateDer::from(der.clone()))
            .map_err(tls_error)?;
    }
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Wraps a connected socket as the client side of a TLS session with `host`.
pub(crate) fn connect(
    config: &Arc<rustls::ClientConfig>,
    host: &str,
    tcp: TcpStream,
) -> io::Result<Stream> {
    let name = ServerName::try_from(host.to_string()).map_err(tls_error)?;
    let conn = rustls::ClientConnection::new(Arc::clone(config), name).map_err(tls_error)?;
    let mut stream = rustls::StreamOwned::new(conn, tcp);
    // Handshake now, so a bad certificate fails the connect, not the call.
    while stream.conn.is_handshaking() {
        stream.conn.complete_io(&mut stream.sock)?;
    }
    Ok(Stream::TlsClient(Box::new(stream)))
}

/// Wraps an accepted socket as the server side; the handshake runs on the
/// connection's own thread with its first read.
pub(crate) fn accept(config: &Arc<rustls::ServerConfig>, tcp: TcpStream) -> io::Result<Stream> {
    let conn = rustls::ServerConnection::new(Arc::clone(config)).map_err(tls_error)?;
    Ok(Stream::TlsServer(Box::new(rustls::StreamOwned::new(
        conn, tcp,
    ))))
}
