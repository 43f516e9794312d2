//! The command line, exactly as documented in the README and `xrpc --help`.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Call any XML-RPC server from a shell, list its methods, or serve the demo service.
#[derive(Debug, Parser)]
#[command(
    name = "xrpc",
    version,
    about,
    long_about = None,
    after_help = "Options may come before or after a command's other words; `--` ends them. \
                  See `xrpc call --help` for how ARGs are read."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Call METHOD on the server at URL and print the result as one line of JSON.
    ///
    /// Each ARG is JSON: integers that fit 32 bits are <int>, larger ones <i8>,
    /// other numbers <double>, strings, booleans, null is <nil/>, arrays and
    /// objects are arrays and structs (member order kept).
    /// {"$dateTime.iso8601": "..."} and {"$base64": "..."} give those types.
    /// An ARG that is not valid JSON is sent as a plain string.
    ///
    /// Options may come anywhere on the line, before or after URL, METHOD and
    /// the ARGs. A negative number (-5, -2.5, -1e3) is an ARG, not an option.
    /// `--` ends the options: every word after it is an ARG, even `--pretty`.
    /// Any other ARG that starts with `-` (`-x`, or a negative number with a
    /// signed exponent such as -1e-3) goes after `--`.
    ///
    /// Exit status: 0 success, 1 fault (`fault CODE: MESSAGE` on stderr),
    /// 2 any other failure (a one-line reason on stderr).
    Call(CallArgs),
    /// List the server's methods with their signatures and help (introspection).
    List(ListArgs),
    /// Serve the demo service (factorial, echo, validator1, system methods).
    ///
    /// Prints `listening on http://ADDR/RPC2` (or `listening on unix://PATH`,
    /// `listening on scgi://ADDR`, `listening on scgi+unix://PATH`) once
    /// ready; SIGINT or SIGTERM shut it down gracefully.
    ///
    /// With --scgi or --scgi-unix it speaks SCGI instead of HTTP, for a web
    /// server's `scgi_pass` (nginx) or SCGI clients (`xrpc call scgi://...`),
    /// with the same limits, deadlines and overload rules.
    Serve(ServeArgs),
}

/// Which transport crate does the work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Runtime {
    /// Blocking std sockets (transport-std).
    Std,
    /// tokio (transport-tokio).
    #[default]
    Tokio,
    /// smol (transport-smol).
    Smol,
}

#[derive(Debug, Args)]
pub struct ClientArgs {
    /// Which client does the call.
    #[arg(long, value_enum, default_value_t = Runtime::Tokio)]
    pub runtime: Runtime,
    /// Give up after this many seconds (fractions allowed).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Extra HTTP header, `Name: value` (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Read what some servers send beyond the spec: empty scalar tags
    /// (`<int/>`) as null, the all-zero date (WordPress drafts) as
    /// `{"$dateTime.iso8601": "00000000T00:00:00"}`, an empty `<params/>`
    /// as null.
    #[arg(long)]
    pub lenient: bool,
    /// Send calls through this HTTP proxy, `http://[user:pass@]host[:port]`
    /// (port 1080 by default). Without it the proxy comes from the
    /// environment as curl reads it: `http_proxy`, `HTTPS_PROXY`,
    /// `ALL_PROXY` (lowercase too). `--proxy ''` uses none.
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Hosts reached without the proxy, comma-separated (`*` for all): a
    /// name covers its subdomains, `ADDR/BITS` an IP range. Replaces
    /// `NO_PROXY` from the environment.
    #[arg(long, value_name = "HOSTS")]
    pub noproxy: Option<String>,
    /// Keep cookies in FILE, in the Netscape format of curl and Python's
    /// MozillaCookieJar: read before the call when it exists, written after
    /// it (with the Set-Cookie answers stored).
    #[arg(long, value_name = "FILE")]
    pub cookie_jar: Option<PathBuf>,
    /// Client certificate (PEM, leaf first) for https:// servers that ask
    /// for one; needs --key.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// The private key (PEM) of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Also trust the CA certificates in FILE (PEM) for https://, besides
    /// the standard roots.
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CallArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// Indent the JSON output.
    #[arg(long, conflicts_with = "xml")]
    pub pretty: bool,
    /// Print the raw response body instead of JSON.
    #[arg(long)]
    pub xml: bool,
    /// http://[user:pass@]host[:port][/path], https://..., unix:///path/to.sock (default path /RPC2),
    /// or SCGI (rTorrent and the like): scgi://host:port[/path] or scgi+unix:///path/to.sock.
    pub url: String,
    /// The method name.
    pub method: String,
    /// Parameters, each JSON or plain text (after `--` if it starts with `-` but is no negative number).
    // Negative numbers are ARGs wherever they come; any other word starting
    // with `-` is an option, so options work after the ARGs too.
    #[arg(allow_negative_numbers = true)]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// The server's URL, as for `call`.
    pub url: String,
}

/// Which server `xrpc serve` runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ServerRuntime {
    /// std sockets, no async runtime: one event loop per core (transport-std).
    Std,
    /// tokio (transport-tokio).
    #[default]
    Tokio,
    /// smol (transport-smol).
    Smol,
    /// The tower service on hyper's server (transport-hyper; HTTP over TCP only).
    Hyper,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Which server runs.
    #[arg(long, value_enum, default_value_t = ServerRuntime::Tokio)]
    pub runtime: ServerRuntime,
    /// TCP address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8000", conflicts_with = "unix")]
    pub bind: String,
    /// Listen on this unix socket path instead of TCP.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["scgi", "scgi_unix"])]
    pub unix: Option<PathBuf>,
    /// Speak SCGI instead of HTTP, on this TCP address (port 0 picks one).
    #[arg(long, value_name = "ADDR", conflicts_with_all = ["bind", "scgi_unix"])]
    pub scgi: Option<String>,
    /// Speak SCGI instead of HTTP, on this unix socket path.
    #[arg(long, value_name = "PATH", conflicts_with = "bind")]
    pub scgi_unix: Option<PathBuf>,
    /// Threads serving connections: std's event loops, tokio's workers
    /// (hyper runs on them too), smol's executors (`SMOL_THREADS`)
    /// [default: one per core].
    #[arg(long, value_name = "N")]
    pub threads: Option<NonZeroUsize>,
    /// Largest request body in bytes (before and after gzip inflation).
    #[arg(long, value_name = "BYTES")]
    pub max_body: Option<usize>,
    /// Deepest nesting of arrays and structs in a request.
    #[arg(long, value_name = "N")]
    pub max_depth: Option<usize>,
    /// Most open connections at once [default: 10000, lowered to the
    /// file-descriptor limit]. At the cap a newcomer evicts a slow or idle
    /// connection.
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// At the connection cap, seconds a connection may take to send a
    /// complete request head before a newcomer may evict it [default: 1].
    #[arg(long, value_name = "SECS")]
    pub first_head_window: Option<f64>,
    /// Bytes of request bodies all connections together may hold; a body
    /// that does not fit gets 503 [default: 268435456, 256 MiB].
    #[arg(long, value_name = "BYTES")]
    pub body_budget: Option<usize>,
    /// Bytes of the body budget only small requests may use [default:
    /// 16777216, 16 MiB].
    #[arg(long, value_name = "BYTES")]
    pub body_reserve: Option<usize>,
    /// Largest request body that may use the reserve [default: 65536].
    #[arg(long, value_name = "BYTES")]
    pub small_body: Option<usize>,
    /// Path answering GET with 200 `ok`, for load balancers' health checks.
    #[arg(long, value_name = "PATH", default_value = "/health")]
    pub health_path: String,
    /// Do not answer GET of the RPC path with the HTML page of the methods.
    #[arg(long)]
    pub no_docs: bool,
    /// Reverse proxies (IPs, ADDR/BITS ranges, comma-separated) whose
    /// Forwarded / X-Forwarded-For headers name the client to handlers.
    #[arg(long, value_name = "LIST")]
    pub trusted_proxies: Option<String>,
    /// Listen with SO_REUSEPORT, so several instances share the port.
    #[arg(long, conflicts_with = "unix")]
    pub reuse_port: bool,
    /// Seconds to receive a request head.
    #[arg(long, value_name = "SECS")]
    pub head_timeout: Option<f64>,
    /// Seconds to receive a whole request body.
    #[arg(long, value_name = "SECS")]
    pub body_timeout: Option<f64>,
    /// Seconds an idle keep-alive connection stays open.
    #[arg(long, value_name = "SECS")]
    pub idle_timeout: Option<f64>,
    /// Seconds an idle keep-alive connection may still send one more
    /// request after shutdown begins [default: 5]; 0 closes idle
    /// connections at once.
    #[arg(long, value_name = "SECS")]
    pub drain_timeout: Option<f64>,
    /// Seconds in-flight calls get to finish on shutdown.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub shutdown_grace: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;
    use clap::Parser;

    const URL: &str = "http://127.0.0.1:8000/RPC2";

    /// `xrpc call WORDS...` as clap reads it.
    fn call(words: &[&str]) -> Result<CallArgs, clap::Error> {
        let line = ["xrpc", "call"].iter().chain(words);
        match Cli::try_parse_from(line)?.command {
            Command::Call(args) => Ok(args),
            other => panic!("call expected, got {other:?}"),
        }
    }

    fn usage_error(words: &[&str]) -> ErrorKind {
        let error = call(words).expect_err("a usage error");
        assert_eq!(error.exit_code(), 2, "{words:?}: {error}");
        error.kind()
    }

    #[test]
    fn options_after_the_positionals_are_options() {
        let args = call(&[URL, "m", "1", "--pretty"]).unwrap();
        assert!(args.pretty);
        assert_eq!(args.args, ["1"]);

        let args = call(&[
            URL,
            "--timeout",
            "5",
            "m",
            "1",
            "--runtime",
            "std",
            "two",
            "--header",
            "X-A: b",
            "--xml",
        ])
        .unwrap();
        assert_eq!((args.url.as_str(), args.method.as_str()), (URL, "m"));
        assert_eq!(args.args, ["1", "two"]);
        assert_eq!(args.client.runtime, Runtime::Std);
        assert_eq!(args.client.timeout, Some(5.0));
        assert_eq!(args.client.headers, ["X-A: b"]);
        assert!(args.xml && !args.pretty);
    }

    #[test]
    fn options_before_the_positionals_still_work() {
        let args = call(&["--pretty", "--runtime", "smol", URL, "m", "1"]).unwrap();
        assert!(args.pretty);
        assert_eq!(args.client.runtime, Runtime::Smol);
        assert_eq!(args.args, ["1"]);
    }

    #[test]
    fn cookie_jar_and_tls_files_are_options_of_call_and_list() {
        let args = call(&[
            URL,
            "m",
            "--cookie-jar",
            "jar.txt",
            "--cert",
            "c.pem",
            "--key",
            "c.key",
            "--cacert",
            "ca.pem",
        ])
        .unwrap();
        let client = &args.client;
        assert_eq!(client.cookie_jar.as_deref(), Some("jar.txt".as_ref()));
        assert_eq!(client.cert.as_deref(), Some("c.pem".as_ref()));
        assert_eq!(client.key.as_deref(), Some("c.key".as_ref()));
        assert_eq!(client.cacert.as_deref(), Some("ca.pem".as_ref()));
        let list = Cli::try_parse_from(["xrpc", "list", "--cacert", "ca.pem", URL]).unwrap();
        assert!(matches!(list.command, Command::List(l) if l.client.cacert.is_some()));
        // A certificate needs its key and the other way round.
        assert_eq!(
            usage_error(&[URL, "m", "--cert", "c.pem"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(
            usage_error(&[URL, "m", "--key", "c.key"]),
            ErrorKind::MissingRequiredArgument
        );
    }

    #[test]
    fn double_dash_ends_the_options() {
        let args = call(&[URL, "m", "--", "--pretty"]).unwrap();
        assert!(!args.pretty);
        assert_eq!(args.args, ["--pretty"]);

        let args = call(&[URL, "m", "1", "--xml", "--", "-x", "--", "-1e-3", "-h"]).unwrap();
        assert!(args.xml);
        assert_eq!(args.args, ["1", "-x", "--", "-1e-3", "-h"]);

        let args = call(&["--", URL, "m", "--runtime"]).unwrap();
        assert_eq!(args.client.runtime, Runtime::Tokio);
        assert_eq!((args.url.as_str(), args.method.as_str()), (URL, "m"));
        assert_eq!(args.args, ["--runtime"]);
    }

    #[test]
    fn negative_numbers_are_arguments() {
        let args = call(&[URL, "m", "-5", "-2.5"]).unwrap();
        assert_eq!(args.args, ["-5", "-2.5"]);

        // Between options too; a lone `-` is an ARG as well.
        let args = call(&[URL, "m", "--pretty", "-1e3", "-0", "-1.5E10", "-"]).unwrap();
        assert!(args.pretty);
        assert_eq!(args.args, ["-1e3", "-0", "-1.5E10", "-"]);
    }

    #[test]
    fn unknown_options_and_other_dash_words_are_usage_errors() {
        assert_eq!(
            usage_error(&[URL, "m", "--bogus"]),
            ErrorKind::UnknownArgument
        );
        assert_eq!(
            usage_error(&[URL, "m", "1", "--bogus", "2"]),
            ErrorKind::UnknownArgument
        );
        assert_eq!(usage_error(&[URL, "m", "-x"]), ErrorKind::UnknownArgument);
        // clap reads a signed exponent as short options: such a number goes after `--`.
        assert_eq!(
            usage_error(&[URL, "m", "-1e-3"]),
            ErrorKind::UnknownArgument
        );
        assert_eq!(
            usage_error(&[URL, "m", "1", "--pretty", "--xml"]),
            ErrorKind::ArgumentConflict
        );
    }
}
