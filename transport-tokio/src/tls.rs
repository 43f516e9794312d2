//! TLS through rustls with the `ring` provider (the `tls` feature).

use std::io;
use std::sync::Arc;

use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::rustls;
use tokio_rustls::{TlsAcceptor, TlsConnector};

use crate::stream::Stream;
use crate::Error;

pub use tokio_rustls::rustls::ServerConfig as TlsServerConfig;

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, e.to_string())
}

/// A server TLS config from a DER certificate chain (leaf first) and its
/// DER private key (PKCS#8, PKCS#1 or SEC1), using the ring provider.
pub fn server_config(
    cert_chain: Vec<Vec<u8>>,
    private_key: Vec<u8>,
) -> io::Result<Arc<TlsServerConfig>> {
    let chain = cert_chain.into_iter().map(CertificateDer::from).collect();
    let key = PrivateKeyDer::try_from(private_key).map_err(invalid)?;
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(invalid)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(invalid)?;
    Ok(Arc::new(config))
}

/// The client half: a connector and the name the certificate must carry.
#[derive(Clone)]
pub(crate) struct ClientTls {
    connector: TlsConnector,
    name: ServerName<'static>,
}

impl ClientTls {
    /// Trusts `extra_roots` (DER) when given, else the webpki root set.
    pub(crate) fn new(host: &str, extra_roots: Vec<Vec<u8>>) -> Result<ClientTls, Error> {
        let mut roots = rustls::RootCertStore::empty();
        if extra_roots.is_empty() {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        for der in extra_roots {
            roots.add(CertificateDer::from(der)).map_err(invalid)?;
        }
        let config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(invalid)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = ServerName::try_from(host.to_owned()).map_err(invalid)?;
        Ok(ClientTls {
            connector: TlsConnector::from(Arc::new(config)),
            name,
        })
    }

    /// Runs the client handshake over `tcp`.
    pub(crate) async fn handshake(&self, tcp: TcpStream) -> Result<Stream, Error> {
        let tls = self.connector.connect(self.name.clone(), tcp).await?;
        Ok(Stream::TlsClient(Box::new(tls)))
    }
}

/// The server half.
#[derive(Clone)]
pub(crate) struct ServerTls {
    acceptor: TlsAcceptor,
}

impl ServerTls {
    pub(crate) fn new(config: Arc<TlsServerConfig>) -> ServerTls {
        ServerTls {
            acceptor: TlsAcceptor::from(config),
        }
    }

    /// Runs the server handshake over `tcp`.
    pub(crate) async fn handshake(&self, tcp: TcpStream) -> io::Result<Stream> {
        let _ = tcp.set_nodelay(true);
        let tls = self.acceptor.accept(tcp).await?;
        Ok(Stream::TlsServer(Box::new(tls)))
    }
}
