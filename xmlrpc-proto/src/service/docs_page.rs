//! The docs page: every method of a [`Router`] with its signatures and
//! help, as one HTML page (Python's `DocXMLRPCServer` answers `GET` with
//! one). What it shows is what `system.listMethods`, `methodSignature` and
//! `methodHelp` answer; every text is escaped.

use std::fmt::Write as _;

use super::introspection::{list_methods, method_help, method_signature};
use super::Router;
use crate::Value;

/// One method as the docs page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodDoc {
    /// The wire name.
    pub name: String,
    /// Each signature as `[return, params...]` type names; `None` when
    /// the method declared none.
    pub signatures: Option<Vec<Vec<String>>>,
    /// The help text (may be empty).
    pub help: String,
}

impl Router {
    /// Every method, system ones included when on, sorted by name.
    pub fn method_docs(&self) -> Vec<MethodDoc> {
        let (registry, system) = (self.registry(), self.system_methods());
        let Ok(Value::Array(names)) = list_methods(registry, system, Vec::new()) else {
            return Vec::new();
        };
        names
            .iter()
            .filter_map(Value::as_str)
            .map(|name| {
                let arg = || vec![Value::String(name.to_owned())];
                let help = match method_help(registry, system, arg()) {
                    Ok(Value::String(h)) => h,
                    _ => String::new(),
                };
                let signatures = match method_signature(registry, system, arg()) {
                    Ok(Value::Array(list)) => Some(
                        list.iter()
                            .map(|sig| match sig {
                                Value::Array(types) => types
                                    .iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_owned)
                                    .collect(),
                                _ => Vec::new(),
                            })
                            .collect(),
                    ),
                    _ => None,
                };
                MethodDoc {
                    name: name.to_owned(),
                    signatures,
                    help,
                }
            })
            .collect()
    }

    /// The docs page: an HTML document titled `title` listing every method
    /// with its signatures (`return name(params)`) and help.
    ///
    /// ```
    /// use xmlrpc_proto::service::Router;
    /// use xmlrpc_proto::Fault;
    /// let mut router = Router::new();
    /// router
    ///     .register("add", |a: i32, b: i32| Ok::<_, Fault>(a + b))
    ///     .help("Adds <a> and <b>.");
    /// let page = router.docs_page("Calculator");
    /// assert!(page.contains("<title>Calculator</title>"));
    /// assert!(page.contains("int add(int, int)"));
    /// assert!(page.contains("Adds &lt;a&gt; and &lt;b&gt;."));
    /// ```
    pub fn docs_page(&self, title: &str) -> String {
        let docs = self.method_docs();
        let title = escape(title);
        let mut page = String::with_capacity(1024 + docs.len() * 256);
        let _ = write!(
            page,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width\">\
             <title>{title}</title><style>{STYLE}</style></head><body>\n\
             <h1>{title}</h1>\n<p>An XML-RPC server: POST calls to this address. \
             {count} methods.</p>\n<nav><ul>",
            count = docs.len()
        );
        for doc in &docs {
            let name = escape(&doc.name);
            let _ = write!(page, "<li><a href=\"#{name}\">{name}</a></li>");
        }
        page.push_str("</ul></nav>\n");
        for doc in &docs {
            let name = escape(&doc.name);
            let _ = write!(page, "<section id=\"{name}\"><h2>{name}</h2>");
            match &doc.signatures {
                Some(signatures) if !signatures.is_empty() => {
                    for sig in signatures {
                        let (ret, params) = sig
                            .split_first()
                            .map_or(("?", &[][..]), |(r, p)| (r.as_str(), p));
                        let params: Vec<String> = params.iter().map(|p| escape(p)).collect();
                        let _ = write!(
                            page,
                            "<p class=\"sig\"><code>{} {name}({})</code></p>",
                            escape(ret),
                            params.join(", ")
                        );
                    }
                }
                _ => page.push_str("<p class=\"sig\"><code>signature not declared</code></p>"),
            }
            if !doc.help.is_empty() {
                let _ = write!(page, "<pre>{}</pre>", escape(&doc.help));
            }
            page.push_str("</section>\n");
        }
        page.push_str("</body></html>\n");
        page
    }
}

const STYLE: &str = "body{font-family:sans-serif;max-width:50em;margin:2em auto;padding:0 1em;\
line-height:1.4}h2{font-family:monospace;border-top:1px solid #ccc;padding-top:.6em}\
pre{white-space:pre-wrap;background:#f6f6f6;padding:.6em}nav ul{columns:2}code{font-size:1.05em}";

/// `text` safe inside HTML elements and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::SystemMethods;
    use crate::Fault;

    #[test]
    fn every_method_with_signatures_and_help_escaped() {
        let mut router = Router::new();
        router
            .register("echo\"<x>", |v: Value| Ok::<_, Fault>(v))
            .help("Returns <script>alert(1)</script> & more.");
        router
            .register_raw("raw", |_: Vec<Value>| Ok::<_, Fault>(Value::Nil))
            .no_signature();
        let page = router.docs_page("A & B");
        assert!(page.contains("<title>A &amp; B</title>"));
        assert!(page.contains("<h2>echo&quot;&lt;x&gt;</h2>"));
        assert!(page.contains("Returns &lt;script&gt;alert(1)&lt;/script&gt; &amp; more."));
        assert!(!page.contains("<script>"));
        assert!(page.contains("<h2>raw</h2><p class=\"sig\"><code>signature not declared</code>"));
        assert!(page.contains("<h2>system.listMethods</h2>"));
        let docs = router.method_docs();
        assert!(docs.windows(2).all(|w| w[0].name < w[1].name), "sorted");
    }

    #[test]
    fn system_methods_switched_off_are_not_listed() {
        let mut router = Router::new();
        router.register("f", |n: i32| Ok::<_, Fault>(n));
        router.set_system_methods(SystemMethods::none());
        let names: Vec<String> = router.method_docs().into_iter().map(|d| d.name).collect();
        assert_eq!(names, ["f"]);
    }
}
