//! Opening a connection to an [`Address`]: TCP, unix socket or TLS.

use std::io;
use std::time::Duration;

use tokio::net::TcpStream;
use xmlrpc_proto::http::{Address, AddressError, Scheme};

use crate::stream::Stream;
use crate::Error;

/// How to reach the server; built once per client.
#[derive(Clone)]
pub(crate) struct Connector {
    address: Address,
    timeout: Duration,
    #[cfg(feature = "tls")]
    tls: Option<crate::tls::ClientTls>,
}

impl Connector {
    /// A connector for `address`; refuses schemes this build cannot reach.
    pub(crate) fn new(
        address: Address,
        timeout: Duration,
        tls_roots: Vec<Vec<u8>>,
    ) -> Result<Connector, Error> {
        let _ = &tls_roots;
        #[cfg(feature = "tls")]
        let tls = match address.scheme {
            Scheme::Https => Some(crate::tls::ClientTls::new(&address.host, tls_roots)?),
            _ => None,
        };
        #[cfg(not(feature = "tls"))]
        if address.scheme == Scheme::Https {
            return Err(Error::Address(AddressError {
                message: "https:// needs transport-tokio's `tls` feature".into(),
            }));
        }
        #[cfg(not(unix))]
        if address.scheme == Scheme::Unix {
            return Err(Error::Address(AddressError {
                message: "unix:// sockets need a unix platform".into(),
            }));
        }
        Ok(Connector {
            address,
            timeout,
            #[cfg(feature = "tls")]
            tls,
        })
    }

    /// Opens a fresh connection within the connect timeout.
    pub(crate) async fn connect(&self) -> Result<Stream, Error> {
        match tokio::time::timeout(self.timeout, self.open()).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout("connecting")),
        }
    }

    async fn open(&self) -> Result<Stream, Error> {
        let address = &self.address;
        match address.scheme {
            Scheme::Http => {
                let tcp = TcpStream::connect((address.host.as_str(), address.port)).await?;
                Ok(Stream::tcp(tcp))
            }
            Scheme::Https => {
                let tcp = TcpStream::connect((address.host.as_str(), address.port)).await?;
                let _ = tcp.set_nodelay(true);
                #[cfg(feature = "tls")]
                if let Some(tls) = &self.tls {
                    return tls.handshake(tcp).await;
                }
                Err(Error::Io(io::Error::new(
                    io::ErrorKind::Unsupported,
                    "https:// without TLS support",
                )))
            }
            Scheme::Unix => self.open_unix().await,
        }
    }

    #[cfg(unix)]
    async fn open_unix(&self) -> Result<Stream, Error> {
        let path = self.address.socket_path.as_deref().ok_or_else(|| {
            Error::Address(AddressError {
                message: "unix:// address without a socket path".into(),
            })
        })?;
        Ok(Stream::Unix(tokio::net::UnixStream::connect(path).await?))
    }

    #[cfg(not(unix))]
    async fn open_unix(&self) -> Result<Stream, Error> {
        Err(Error::Io(io::Error::new(
            io::ErrorKind::Unsupported,
            "unix sockets need a unix platform",
        )))
    }
}
