//! One client of the chosen runtime, so `call` and `list` can make several
//! calls over one keep-alive connection.

use std::time::Duration;

use bytes::Bytes;
use xmlrpc_proto::client::{ClientBuilder, ClientError, FromClientConfig};
use xmlrpc_proto::decode::DecodeOptions;
use xmlrpc_proto::{MethodCall, MethodResponse};

use crate::args::{ClientArgs, Runtime};

/// A client of whichever transport the user picked.
pub enum Caller {
    Std(transport_std::Client),
    Tokio(tokio::runtime::Runtime, transport_tokio::Client),
    Smol(transport_smol::Client),
}

impl Caller {
    /// Builds the client for `url` with the timeout and headers from `args`.
    pub fn new(url: &str, args: &ClientArgs) -> Result<Caller, String> {
        let timeout = args.timeout.map(seconds).transpose()?;
        let headers = args
            .headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<Vec<_>, _>>()?;
        let describe = |e: ClientError| e.to_string();
        let options = if args.lenient {
            DecodeOptions::lenient()
        } else {
            DecodeOptions::strict()
        };
        let settings = Settings {
            url,
            timeout,
            headers: &headers,
            options,
            proxy: args.proxy.as_deref(),
            noproxy: args.noproxy.as_deref(),
        };
        Ok(match args.runtime {
            Runtime::Std => Caller::Std(settings.build().map_err(describe)?),
            Runtime::Tokio => {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| format!("cannot start tokio: {e}"))?;
                Caller::Tokio(rt, settings.build().map_err(describe)?)
            }
            Runtime::Smol => Caller::Smol(settings.build().map_err(describe)?),
        })
    }

    /// Makes one call; returns the response and the raw body.
    pub fn call(&self, call: &MethodCall) -> Result<(MethodResponse, Bytes), ClientError> {
        match self {
            Caller::Std(client) => client.call_response(call),
            Caller::Tokio(rt, client) => rt.block_on(client.call_response(call)),
            Caller::Smol(client) => smol::block_on(client.call_response(call)),
        }
    }
}

/// What the flags set, the same for whichever client is built.
struct Settings<'a> {
    url: &'a str,
    timeout: Option<Duration>,
    headers: &'a [(String, String)],
    options: DecodeOptions,
    proxy: Option<&'a str>,
    noproxy: Option<&'a str>,
}

impl Settings<'_> {
    /// The client of transport `T` with these settings.
    fn build<T: FromClientConfig>(&self) -> Result<T, ClientError> {
        let mut builder = ClientBuilder::<T>::new(self.url).decode_options(self.options);
        if let Some(t) = self.timeout {
            builder = builder.timeout(t);
        }
        for (name, value) in self.headers {
            builder = builder.header(name, value);
        }
        // As curl: the environment's proxies unless --proxy says otherwise.
        builder = match self.proxy {
            None => builder.proxy_from_env(),
            Some("") => builder,
            Some(url) => builder.proxy(url),
        };
        if let Some(list) = self.noproxy {
            builder = builder.no_proxy(list);
        }
        builder.build()
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
