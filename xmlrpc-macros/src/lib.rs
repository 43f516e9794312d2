//! `#[rpc]` turns one Rust trait into a typed XML-RPC server and typed clients, so a remote procedure is called like a local function.
//!
//! **What this is not:** no transport and no runtime of its own (the
//! generated code calls `xmlrpc-proto`'s router and whatever client you hand
//! it), no IDL or code generation step, no schema beyond the Rust types, and
//! no way round XML-RPC's types (arguments and results go through serde as
//! everywhere else in `xmlrpc-proto`). Use it through the re-export
//! `xmlrpc_proto::rpc` (the default `macros` feature).
//!
//! # Example
//!
//! ```
//! use xmlrpc_proto::service::Router;
//! use xmlrpc_proto::{fault_code, rpc, Fault};
//!
//! #[rpc(namespace = "math")]
//! pub trait Math {
//!     /// n! for 0 <= n <= 20.
//!     fn factorial(&self, n: u32) -> Result<u64, Fault>;
//!     /// a + b, computed without blocking.
//!     async fn add(&self, a: i32, b: i32) -> Result<i32, Fault>;
//! }
//!
//! struct Calculator;
//!
//! impl Math for Calculator {
//!     fn factorial(&self, n: u32) -> Result<u64, Fault> {
//!         if n > 20 {
//!             return Err(Fault::new(fault_code::INVALID_PARAMS, "n must be 0..=20"));
//!         }
//!         Ok((1..=u64::from(n)).product())
//!     }
//!
//!     async fn add(&self, a: i32, b: i32) -> Result<i32, Fault> {
//!         a.checked_add(b).ok_or_else(|| Fault::new(1, "overflow"))
//!     }
//! }
//!
//! // The server: every method, its help and signature, in one call.
//! let mut router = Router::new();
//! router.add_service(MathServer::new(Calculator));
//!
//! // A client: any `CallBlocking` client, such as transport-std's `Client`;
//! // a `Router` is one too, answering in the same process.
//! let math = MathClient(&router);
//! assert_eq!(math.factorial(5)?, 120);
//! assert!(math.factorial(21).is_err());
//!
//! // The async stub, over any `CallAsync` client (tokio's, smol's, a router).
//! let math = MathAsyncClient(&router);
//! assert_eq!(futures_lite::future::block_on(math.add(2, 3))?, 5);
//! # Ok::<(), xmlrpc_proto::client::ClientError>(())
//! ```
//!
//! # What `#[rpc]` generates
//!
//! For `trait Math` (visibility as the trait's):
//!
//! | item | what it is |
//! |---|---|
//! | `trait Math` | the trait, with each `async fn` declared as `fn .. -> impl Future<Output = ..> + Send`; an implementation may still write `async fn` |
//! | `MathServer<S>` | `MathServer::new(service)` (or `MathServer(arc)`) for `Router::add_service`, for any `S: Math + Send + Sync + 'static` |
//! | `MathClient<C>` | `MathClient(client)`: the same methods, blocking, over any `C: CallBlocking` (transport-std's `Client`) |
//! | `MathAsyncClient<C>` | `MathAsyncClient(client)`: the same methods as `async fn`s over any `C: CallAsync` (transport-tokio's and transport-smol's `Client`) |
//!
//! Each side works alone: the server answers any XML-RPC client, the
//! clients call a server written in any language.
//!
//! # The rules
//!
//! - Every method takes `&self`, then arguments by value whose types are
//!   `Serialize + DeserializeOwned`, and returns `Result<T, E>` with
//!   `T: Serialize + DeserializeOwned` and `E: Into<Fault>` (a `Fault`
//!   itself, or your error with `From<YourError> for Fault`, keeping your
//!   fault codes). No generic methods, no generic trait.
//! - Wire name: the method's name, after `namespace` and a dot when the
//!   trait has one (`math.factorial`); `#[rpc(name = "system.echo")]`
//!   replaces it, `#[rpc(alias = "fact")]` (repeatable) adds another name
//!   for the same method. Two methods may not share a wire name, nor take
//!   one the router answers itself (`system.listMethods`, ...).
//! - Help (`system.methodHelp`) is the doc comment; the signature
//!   (`system.methodSignature`) comes from the types as for
//!   `Router::register` (none when a type has no single XML-RPC type, such
//!   as `Value`).
//! - Sync methods run inline, on the connection's task, and must be cheap;
//!   mark one that may block (sleeps, I/O, long computations)
//!   `#[rpc(blocking)]` and it runs on the blocking pool, so it never holds
//!   up other connections (`Router::register_blocking`). Async methods run
//!   as futures on the runtime (`blocking` on one is a compile error).
//! - Trailing `Option` arguments: the server reads a missing one as `None`;
//!   the clients leave trailing `None`s off the call, for servers with
//!   optional params.
//! - A crate that reaches `xmlrpc_proto` only through a re-export names it:
//!   `#[rpc(crate = "transport_std::xmlrpc_proto")]`.

mod client;
mod model;
mod server;

use proc_macro::TokenStream;

/// Turns a trait into a typed server (`<Trait>Server`) and typed clients
/// (`<Trait>Client`, `<Trait>AsyncClient`); see the crate docs.
///
/// Options: `namespace = "math"`, `crate = "path::to::xmlrpc_proto"` on the
/// trait; `name = "wire.name"`, `alias = "other.name"` and `blocking` on a
/// method.
#[proc_macro_attribute]
pub fn rpc(args: TokenStream, input: TokenStream) -> TokenStream {
    expand(args.into(), input.into()).into()
}

fn expand(
    args: proc_macro2::TokenStream,
    input: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let mut item: syn::ItemTrait = match syn::parse2(input) {
        Ok(item) => item,
        Err(e) => {
            let mut e = e;
            e.combine(syn::Error::new(
                proc_macro2::Span::call_site(),
                "#[rpc] goes on a trait",
            ));
            return e.to_compile_error();
        }
    };
    let options = match model::TraitOptions::parse(args) {
        Ok(options) => options,
        Err(e) => return with_error(&mut item, e),
    };
    let methods = match model::methods(&mut item, &options) {
        Ok(methods) => methods,
        Err(e) => return with_error(&mut item, e),
    };
    let server = server::server(&item, &options, &methods);
    let clients = client::clients(&item, &options, &methods);
    server::rewrite_trait(&mut item);
    quote::quote!(#item #server #clients)
}

/// The trait as written (less `#[rpc]` attributes), so that code using it
/// reports no follow-on errors, and the errors.
fn with_error(item: &mut syn::ItemTrait, error: syn::Error) -> proc_macro2::TokenStream {
    for trait_item in &mut item.items {
        if let syn::TraitItem::Fn(f) = trait_item {
            f.attrs.retain(|a| !a.path().is_ident("rpc"));
        }
    }
    let error = error.to_compile_error();
    quote::quote!(#item #error)
}
