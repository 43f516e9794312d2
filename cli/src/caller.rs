//! One client of the chosen runtime, so `call` and `list` can make several
//! calls over one keep-alive connection.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use transport_std::ClientFiles;
use xmlrpc_proto::client::{ClientBuilder, ClientError, CookieJar, FromClientConfig};
use xmlrpc_proto::decode::DecodeOptions;
use xmlrpc_proto::{MethodCall, MethodResponse};

use crate::args::{ClientArgs, Runtime};

/// A client of whichever transport the user picked, and the cookie file
/// its jar is saved to.
pub struct Caller {
    client: Client,
    cookies: Option<(Arc<CookieJar>, PathBuf)>,
}

/// The client of each runtime.
enum Client {
    Std(transport_std::Client),
    Tokio(tokio::runtime::Runtime, transport_tokio::Client),
    Smol(transport_smol::Client),
}

/// The settings of `ClientArgs`, checked, for any transport's builder.
struct Settings<'a> {
    args: &'a ClientArgs,
    timeout: Option<Duration>,
    headers: Vec<(String, String)>,
    jar: Option<Arc<CookieJar>>,
}

impl Settings<'_> {
    fn apply<T: FromClientConfig>(&self, mut builder: ClientBuilder<T>) -> ClientBuilder<T> {
        if let Some(t) = self.timeout {
            builder = builder.timeout(t);
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        if let (Some(cert), Some(key)) = (&self.args.cert, &self.args.key) {
            builder = builder.client_certificate_files(cert, key);
        }
        if let Some(ca) = &self.args.cacert {
            builder = builder.root_certificates_file(ca);
        }
        if let Some(jar) = &self.jar {
            builder = builder.cookie_jar(Arc::clone(jar));
        }
        if self.args.lenient {
            builder = builder.decode_options(DecodeOptions::lenient());
        }
        // As curl: the environment's proxies unless --proxy says otherwise.
        builder = match self.args.proxy.as_deref() {
            None => builder.proxy_from_env(),
            Some("") => builder,
            Some(url) => builder.proxy(url),
        };
        if let Some(list) = &self.args.noproxy {
            builder = builder.no_proxy(list);
        }
        builder
    }
}

impl Caller {
    /// Builds the client for `url` with the settings from `args`; reads the
    /// cookie jar file when it exists.
    pub fn new(url: &str, args: &ClientArgs) -> Result<Caller, String> {
        let timeout = args.timeout.map(seconds).transpose()?;
        let headers = args
            .headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<Vec<_>, _>>()?;
        let cookies = args
            .cookie_jar
            .as_ref()
            .map(|path| {
                let jar = if path.exists() {
                    transport_std::load_cookie_jar(path).map_err(|e| e.to_string())?
                } else {
                    CookieJar::new()
                };
                Ok::<_, String>((Arc::new(jar), path.clone()))
            })
            .transpose()?;
        let settings = Settings {
            args,
            timeout,
            headers,
            jar: cookies.as_ref().map(|(jar, _)| Arc::clone(jar)),
        };
        let describe = |e: ClientError| e.to_string();
        let client = match args.runtime {
            Runtime::Std => {
                let builder = settings.apply(transport_std::Client::builder(url));
                Client::Std(builder.build().map_err(describe)?)
            }
            Runtime::Tokio => {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| format!("cannot start tokio: {e}"))?;
                let builder = settings.apply(transport_tokio::Client::builder(url));
                Client::Tokio(rt, builder.build().map_err(describe)?)
            }
            Runtime::Smol => {
                let builder = settings.apply(transport_smol::Client::builder(url));
                Client::Smol(builder.build().map_err(describe)?)
            }
        };
        Ok(Caller { client, cookies })
    }

    /// Makes one call; returns the response and the raw body.
    pub fn call(&self, call: &MethodCall) -> Result<(MethodResponse, Bytes), ClientError> {
        match &self.client {
            Client::Std(client) => client.call_response(call),
            Client::Tokio(rt, client) => rt.block_on(client.call_response(call)),
            Client::Smol(client) => smol::block_on(client.call_response(call)),
        }
    }

    /// Writes the cookie jar back to its file (`--cookie-jar`); nothing
    /// without one.
    pub fn save_cookies(&self) -> Result<(), String> {
        match &self.cookies {
            Some((jar, path)) => {
                transport_std::save_cookie_jar(jar, path).map_err(|e| e.to_string())
            }
            None => Ok(()),
        }
    }
}

/// `SECS` as a duration; must be positive and finite.
pub fn seconds(secs: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("{secs} is not a positive number of seconds"))
}

/// `Name: value` into its parts.
fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("header {text:?} is not `Name: value`"))?;
    let name = name.trim();
    if name.is_empty() || http::HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(format!("header name {name:?} is not valid"));
    }
    let value = value.trim();
    if http::HeaderValue::from_str(value).is_err() {
        return Err(format!("header value for {name} is not valid"));
    }
    Ok((name.to_owned(), value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_seconds_are_checked() {
        assert_eq!(
            parse_header("X-Trace:  abc ").unwrap(),
            ("X-Trace".into(), "abc".into())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: x").is_err());
        assert_eq!(seconds(1.5).unwrap(), Duration::from_millis(1500));
        assert!(seconds(0.0).is_err());
        assert!(seconds(-1.0).is_err());
        assert!(seconds(f64::NAN).is_err());
    }
}
