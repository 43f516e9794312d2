//! [`Address`]: parsing `http://user:pass@host:port/path`, `https://...` and `unix:///path`.

/// The transport an address names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Plain TCP.
    Http,
    /// TLS over TCP.
    Https,
    /// A unix domain socket.
    Unix,
}

/// A parsed server address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// `http`, `https` or `unix`.
    pub scheme: Scheme,
    /// Host name or IP literal (without brackets) for TCP; `localhost` for unix.
    pub host: String,
    /// Port for TCP (80/443 when not given); 0 for unix.
    pub port: u16,
    /// The socket path for `unix://`.
    pub socket_path: Option<String>,
    /// Request target, `/RPC2` when not given.
    pub path: String,
    /// Basic-auth user from `user:pass@`, percent-decoded.
    pub user: Option<String>,
    /// Basic-auth password, percent-decoded.
    pub password: Option<String>,
}

/// Why an address could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressError {
    /// What was wrong.
    pub message: String,
}

impl Address {
    /// Parses an address. `unix:///path/to.sock` uses `/RPC2` as the request
    /// target; `unix:///path/to.sock?path=/other` picks another.
    pub fn parse(text: &str) -> Result<Address, AddressError> {
        let _ = text;
        todo!("http")
    }

    /// The `Host` header value (`host:port`, port omitted when default).
    pub fn host_header(&self) -> String {
        todo!("http")
    }
}
