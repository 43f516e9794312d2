//! The trait as the macro understands it: options, then one [`Method`] per
//! trait method with its wire names, help, argument and result types. Every
//! misuse is a `syn::Error` at the span that caused it.

use std::collections::HashMap;

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{
    Attribute, Error, FnArg, GenericArgument, Ident, ItemTrait, LitStr, Pat, PathArguments,
    ReturnType, TraitItem, TraitItemFn, Type,
};

/// Options of `#[rpc(...)]` on the trait.
pub struct TraitOptions {
    /// Prefix of every derived wire name, joined with a dot.
    pub namespace: Option<String>,
    /// Where `xmlrpc_proto` is, for crates that reach it through a
    /// re-export (`crate = "transport_std::xmlrpc_proto"`).
    pub krate: syn::Path,
}

impl TraitOptions {
    /// Parses the attribute's arguments.
    pub fn parse(args: proc_macro2::TokenStream) -> syn::Result<Self> {
        let mut namespace = None;
        let mut krate = None;
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("namespace") {
                let lit: LitStr = meta.value()?.parse()?;
                let value = lit.value();
                check_wire_name(&value, lit.span())?;
                namespace = Some(value);
                Ok(())
            } else if meta.path.is_ident("crate") {
                let lit: LitStr = meta.value()?.parse()?;
                krate = Some(lit.parse::<syn::Path>()?);
                Ok(())
            } else {
                Err(meta.error(
                    "unknown #[rpc] option: expected `namespace = \"...\"` or `crate = \"...\"`",
                ))
            }
        });
        syn::parse::Parser::parse2(parser, args)?;
        Ok(TraitOptions {
            namespace,
            krate: krate.unwrap_or_else(|| syn::parse_quote!(::xmlrpc_proto)),
        })
    }
}

/// One argument of a method.
pub struct Arg {
    /// The name the client stub gives it.
    pub name: Ident,
    /// Its type, as written.
    pub ty: Type,
    /// `Option<..>` as written: may be left off at the end of a call.
    pub optional: bool,
}

/// One wire name and where it was written.
pub struct WireName {
    pub name: String,
    pub span: Span,
}

/// One trait method.
pub struct Method {
    pub ident: Ident,
    pub is_async: bool,
    pub args: Vec<Arg>,
    /// The whole return type, `Result<T, E>`.
    pub ret: Type,
    /// `T` of the return type.
    pub ok: Type,
    /// The first is the method's name, the rest its aliases.
    pub wire: Vec<WireName>,
    /// The doc comment, for `system.methodHelp`.
    pub help: String,
    /// The doc attributes, copied onto the client stubs.
    pub docs: Vec<Attribute>,
    /// `#[rpc(blocking)]`: a sync method registered as blocking, run on the
    /// blocking pool instead of inline.
    pub blocking: bool,
}

/// Collects errors so that one expansion reports every misuse at once.
#[derive(Default)]
pub struct Errors(Option<Error>);

impl Errors {
    pub fn push(&mut self, error: Error) {
        match &mut self.0 {
            Some(first) => first.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub fn into_result(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// The methods of `item`, checked; the trait's own misuses too.
pub fn methods(item: &mut ItemTrait, options: &TraitOptions) -> syn::Result<Vec<Method>> {
    let mut errors = Errors::default();
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        errors.push(Error::new(
            item.generics.span(),
            "#[rpc] traits cannot be generic: each method needs one wire signature",
        ));
    }
    if let Some(unsafety) = item.unsafety {
        errors.push(Error::new(unsafety.span, "#[rpc] traits cannot be unsafe"));
    }
    let mut methods = Vec::new();
    for trait_item in &mut item.items {
        match trait_item {
            TraitItem::Fn(f) => match method(f, options) {
                Ok(m) => methods.push(m),
                Err(e) => errors.push(e),
            },
            other => errors.push(Error::new(
                other.span(),
                "#[rpc] traits hold only methods: each one is a remote procedure",
            )),
        }
    }
    check_unique(&methods, &mut errors);
    errors.into_result()?;
    Ok(methods)
}

/// One method, with its `#[rpc(..)]` attributes taken off.
fn method(f: &mut TraitItemFn, options: &TraitOptions) -> syn::Result<Method> {
    let mut errors = Errors::default();
    let sig = &f.sig;
    let ident = sig.ident.clone();

    let MethodOptions {
        name: explicit,
        aliases,
        blocking,
    } = match method_options(&mut f.attrs) {
        Ok(o) => o,
        Err(e) => {
            errors.push(e);
            MethodOptions::default()
        }
    };
    if let (Some(span), Some(_)) = (blocking, &sig.asyncness) {
        errors.push(Error::new(
            span,
            format!(
                "rpc method `{ident}` is async: it runs on the runtime, so `blocking` is for \
                 synchronous methods only"
            ),
        ));
    }

    if let Some(c) = &sig.constness {
        errors.push(Error::new(c.span, "an rpc method cannot be `const`"));
    }
    if let Some(u) = &sig.unsafety {
        errors.push(Error::new(u.span, "an rpc method cannot be `unsafe`"));
    }
    if let Some(abi) = &sig.abi {
        errors.push(Error::new(abi.span(), "an rpc method cannot have an ABI"));
    }
    if let Some(v) = &sig.variadic {
        errors.push(Error::new(v.span(), "an rpc method cannot be variadic"));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        let span = match sig.generics.params.first() {
            Some(param) => param.span(),
            None => sig.generics.where_clause.span(),
        };
        errors.push(Error::new(
            span,
            format!(
                "rpc method `{ident}` cannot be generic: a remote procedure has one signature, \
                 so use concrete types"
            ),
        ));
    }

    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        Some(FnArg::Receiver(r)) if r.reference.is_some() && r.mutability.is_none() && r.colon_token.is_none() => {}
        Some(FnArg::Receiver(r)) => errors.push(Error::new(
            r.span(),
            format!("rpc method `{ident}` must take `&self`: the server shares one implementation between calls"),
        )),
        _ => errors.push(Error::new(
            ident.span(),
            format!("rpc method `{ident}` must take `&self` first: the server calls it on a shared implementation"),
        )),
    }

    let mut args = Vec::new();
    for (index, input) in inputs.enumerate() {
        let FnArg::Typed(typed) = input else { continue };
        let name = match &*typed.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => p.ident.clone(),
            Pat::Wild(_) => Ident::new(&format!("arg{index}"), typed.pat.span()),
            other => {
                errors.push(Error::new(
                    other.span(),
                    "an rpc method's arguments are plain names (`n: u32`)",
                ));
                continue;
            }
        };
        if let Err(e) = check_arg_type(&typed.ty) {
            errors.push(e);
        }
        args.push(Arg {
            name,
            optional: is_option(&typed.ty),
            ty: (*typed.ty).clone(),
        });
    }

    let (ret, ok) = match result_types(&sig.output, &ident) {
        Ok(types) => types,
        Err(e) => {
            errors.push(e);
            (syn::parse_quote!(()), syn::parse_quote!(()))
        }
    };

    let mut wire = Vec::new();
    match explicit {
        Some(lit) => wire.push(WireName {
            name: lit.value(),
            span: lit.span(),
        }),
        None => wire.push(WireName {
            name: match &options.namespace {
                Some(ns) => format!("{ns}.{ident}"),
                None => ident.to_string(),
            },
            span: ident.span(),
        }),
    }
    for alias in aliases {
        wire.push(WireName {
            name: alias.value(),
            span: alias.span(),
        });
    }
    for w in &wire {
        if let Err(e) = check_wire_name(&w.name, w.span) {
            errors.push(e);
        }
    }

    errors.into_result()?;
    let docs: Vec<Attribute> = f
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .cloned()
        .collect();
    Ok(Method {
        ident,
        is_async: sig.asyncness.is_some(),
        args,
        ret,
        ok,
        wire,
        help: help_text(&docs),
        docs,
        blocking: blocking.is_some(),
    })
}

/// What a method's `#[rpc(..)]` attributes say.
#[derive(Default)]
struct MethodOptions {
    /// `name = ".."`.
    name: Option<LitStr>,
    /// Every `alias = ".."`.
    aliases: Vec<LitStr>,
    /// Where `blocking` was written.
    blocking: Option<Span>,
}

/// Takes the `#[rpc(name = "..", alias = "..", blocking)]` attributes off a
/// method.
fn method_options(attrs: &mut Vec<Attribute>) -> syn::Result<MethodOptions> {
    let mut options = MethodOptions::default();
    let mut errors = Errors::default();
    attrs.retain(|attr| {
        if !attr.path().is_ident("rpc") {
            return true;
        }
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                let lit: LitStr = meta.value()?.parse()?;
                if options.name.is_some() {
                    return Err(Error::new(
                        lit.span(),
                        "an rpc method has one `name`; add more with `alias = \"...\"`",
                    ));
                }
                options.name = Some(lit);
                Ok(())
            } else if meta.path.is_ident("alias") {
                options.aliases.push(meta.value()?.parse::<LitStr>()?);
                Ok(())
            } else if meta.path.is_ident("blocking") {
                options.blocking = Some(meta.path.span());
                Ok(())
            } else {
                Err(meta.error(
                    "unknown rpc method option: expected `name = \"...\"`, `alias = \"...\"` or `blocking`",
                ))
            }
        });
        if let Err(e) = parsed {
            errors.push(e);
        }
        false
    });
    errors.into_result()?;
    Ok(options)
}

/// Refuses argument types that cannot be received: borrowed and `impl`
/// types. Serde bounds are checked by the compiler at the type's span.
fn check_arg_type(ty: &Type) -> syn::Result<()> {
    match ty {
        Type::Reference(r) => Err(Error::new(
            r.span(),
            "an rpc argument is received by value: use an owned type (`String` for `&str`, `Vec<T>` for `&[T]`)",
        )),
        Type::ImplTrait(i) => Err(Error::new(
            i.span(),
            "an rpc argument cannot be `impl Trait`: a remote procedure has one signature, so use a concrete type",
        )),
        _ => Ok(()),
    }
}

/// `Option<..>` as written (by its last path segment).
fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().is_some_and(|s| {
            s.ident == "Option" && matches!(s.arguments, PathArguments::AngleBracketed(_))
        }),
        Type::Group(g) => is_option(&g.elem),
        Type::Paren(p) => is_option(&p.elem),
        _ => false,
    }
}

/// The whole return type and its `T`, from `Result<T, E>` (or an alias
/// named `Result` whose first argument is `T`).
fn result_types(output: &ReturnType, ident: &Ident) -> syn::Result<(Type, Type)> {
    const WHY: &str = "an rpc method returns `Result<T, E>`: `T: Serialize` is the result, \
                       `E: Into<Fault>` the fault";
    let ty = match output {
        ReturnType::Type(_, ty) => ty,
        ReturnType::Default => {
            return Err(Error::new(
                ident.span(),
                format!("rpc method `{ident}` returns nothing; {WHY}"),
            ))
        }
    };
    let ok = match &**ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().and_then(|s| {
            if s.ident != "Result" {
                return None;
            }
            match &s.arguments {
                PathArguments::AngleBracketed(a) => a.args.iter().find_map(|arg| match arg {
                    GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                }),
                _ => None,
            }
        }),
        _ => None,
    };
    match ok {
        Some(ok) => Ok(((**ty).clone(), ok)),
        None => Err(Error::new(ty.span(), WHY)),
    }
}

/// Wire names are what XML-RPC allows: `A-Z a-z 0-9 _ . : /`, not empty.
fn check_wire_name(name: &str, span: Span) -> syn::Result<()> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '/'));
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            span,
            format!("`{name}` is not an XML-RPC method name: use letters, digits, `_`, `.`, `:` and `/`"),
        ))
    }
}

/// The router answers these itself: a method under such a name would never run.
const BUILT_IN: &[&str] = &[
    "system.listMethods",
    "system.methodHelp",
    "system.methodSignature",
    "system.multicall",
    "system.getCapabilities",
];

/// Every wire name once across the trait, none of the router's own.
fn check_unique(methods: &[Method], errors: &mut Errors) {
    let mut seen: HashMap<&str, &Ident> = HashMap::new();
    for m in methods {
        for w in &m.wire {
            if BUILT_IN.contains(&w.name.as_str()) {
                errors.push(Error::new(
                    w.span,
                    format!(
                        "`{}` is answered by the router itself; choose another name",
                        w.name
                    ),
                ));
            }
            match seen.get(w.name.as_str()) {
                Some(first) if *first == &m.ident => errors.push(Error::new(
                    w.span,
                    format!("`{first}` has the wire name `{}` twice", w.name),
                )),
                Some(first) => errors.push(Error::new(
                    w.span,
                    format!(
                        "two methods with the wire name `{}`: `{first}` has it already",
                        w.name
                    ),
                )),
                None => {
                    seen.insert(&w.name, &m.ident);
                }
            }
        }
    }
}

/// The doc comment as text: one line a `///` line, the one space after
/// `///` dropped, blank lines at either end trimmed.
fn help_text(docs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in docs {
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                for line in s.value().split('\n') {
                    lines.push(line.strip_prefix(' ').unwrap_or(line).trim_end().to_owned());
                }
            }
        }
    }
    lines.join("\n").trim().to_owned()
}
