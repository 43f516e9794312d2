//! `xrpc`: call any XML-RPC server from a shell, list its methods, or serve
//! the demo service. The interface is documented in the README and in
//! `xrpc --help`; scripts depend on it, so it changes only on purpose.

mod args;
mod caller;
mod json_in;
mod json_out;
mod list;
mod serve;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use xmlrpc_proto::client::ClientError;
use xmlrpc_proto::{MethodCall, MethodResponse};

use args::{CallArgs, Cli, Command};
use caller::Caller;

/// Why a command did not succeed; decides the exit status.
pub enum Failure {
    /// The server answered with a fault: exit status 1.
    Fault {
        /// The fault code.
        code: i32,
        /// The fault string.
        message: String,
    },
    /// Anything else: exit status 2.
    Other(String),
}

impl Failure {
    fn from_client(error: ClientError) -> Failure {
        match error {
            ClientError::Fault(f) => Failure::Fault {
                code: f.code,
                message: f.message,
            },
            // A quirk the decoder can read when asked: say how, in xrpc's terms.
            ClientError::Decode(e) if e.message().contains("DecodeOptions::lenient") => {
                Failure::Other(format!("{e} (xrpc call --lenient reads it)"))
            }
            other => Failure::Other(other.to_string()),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Call(args) => call(args),
        Command::List(args) => Caller::new(&args.url, &args.client)
            .map_err(Failure::Other)
            .and_then(|caller| {
                let listed = list::list(&caller);
                caller.save_cookies().map_err(Failure::Other)?;
                listed
            })
            .and_then(print),
        Command::Serve(args) => serve::serve(args).map_err(Failure::Other),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Fault { code, message }) => {
            eprintln!("fault {code}: {}", one_line(&message));
            ExitCode::from(1)
        }
        Err(Failure::Other(reason)) => {
            eprintln!("xrpc: {}", one_line(&reason));
            ExitCode::from(2)
        }
    }
}

fn call(args: &CallArgs) -> Result<(), Failure> {
    let params = args
        .args
        .iter()
        .enumerate()
        .map(|(i, text)| {
            json_in::arg_to_value(text)
                .map_err(|why| Failure::Other(format!("argument {}: {why}", i + 1)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let caller = Caller::new(&args.url, &args.client).map_err(Failure::Other)?;
    let answered = caller.call(&MethodCall::new(args.method.clone(), params));
    // Saved whatever the answer: a fault may come with Set-Cookie too.
    caller.save_cookies().map_err(Failure::Other)?;
    let (response, body) = answered.map_err(Failure::from_client)?;
    match response {
        MethodResponse::Fault(f) => Err(Failure::Fault {
            code: f.code,
            message: f.message,
        }),
        MethodResponse::Success(_) if args.xml => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&body)
                .and_then(|_| stdout.flush())
                .map_err(|e| Failure::Other(format!("cannot write to stdout: {e}")))
        }
        MethodResponse::Success(value) => print(json_out::to_json(&value, args.pretty) + "\n"),
    }
}

fn print(text: String) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| Failure::Other(format!("cannot write to stdout: {e}")))
}

/// Messages go on one line of stderr, as the interface promises.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
