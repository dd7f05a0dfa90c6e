//! Parsing `#[trace_method(...)]` options.

use proc_macro2::Span;
use syn::ext::IdentExt as _;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Token};

mod kw {
    syn::custom_keyword!(skip);
    syn::custom_keyword!(skip_all);
    syn::custom_keyword!(include);
    syn::custom_keyword!(fields);
    syn::custom_keyword!(name);
}

/// The options of one `#[trace_method(...)]`.
#[derive(Default)]
pub(crate) struct Options {
    /// `skip(a, b)`.
    pub(crate) skip: Option<(Span, Vec<Ident>)>,
    /// `skip_all`.
    pub(crate) skip_all: Option<Span>,
    /// `include(a, b)`.
    pub(crate) include: Option<(Span, Vec<Ident>)>,
    /// `fields(key = expr, ...)`.
    pub(crate) fields: Vec<(LitStr, Expr)>,
    fields_seen: bool,
    /// `name = "..."`.
    pub(crate) name: Option<LitStr>,
}

impl Parse for Options {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut options = Options::default();
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::skip_all) {
                let kw: kw::skip_all = input.parse()?;
                if options.skip_all.is_some() {
                    return Err(duplicate(kw.span, "skip_all"));
                }
                options.skip_all = Some(kw.span);
            } else if lookahead.peek(kw::skip) {
                let kw: kw::skip = input.parse()?;
                if options.skip.is_some() {
                    return Err(duplicate(kw.span, "skip"));
                }
                options.skip = Some((kw.span, parse_names(input)?));
            } else if lookahead.peek(kw::include) {
                let kw: kw::include = input.parse()?;
                if options.include.is_some() {
                    return Err(duplicate(kw.span, "include"));
                }
                options.include = Some((kw.span, parse_names(input)?));
            } else if lookahead.peek(kw::fields) {
                let kw: kw::fields = input.parse()?;
                if options.fields_seen {
                    return Err(duplicate(kw.span, "fields"));
                }
                options.fields_seen = true;
                options.fields = parse_fields(input)?;
            } else if lookahead.peek(kw::name) {
                let kw: kw::name = input.parse()?;
                if options.name.is_some() {
                    return Err(duplicate(kw.span, "name"));
                }
                input.parse::<Token![=]>()?;
                let lit: LitStr = input.parse()?;
                if lit.value().trim().is_empty() {
                    return Err(syn::Error::new(
                        lit.span(),
                        "the span name must not be empty; expected `name = \"Type.method\"`",
                    ));
                }
                options.name = Some(lit);
            } else if input.peek(Ident) {
                let unknown: Ident = input.parse()?;
                return Err(syn::Error::new(
                    unknown.span(),
                    format!(
                        "unknown option `{unknown}`; expected one of `skip(...)`, `skip_all`, \
                         `include(...)`, `fields(key = value, ...)`, `name = \"...\"`"
                    ),
                ));
            } else {
                return Err(lookahead.error());
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        options.check_conflicts()?;
        Ok(options)
    }
}

impl Options {
    fn check_conflicts(&self) -> syn::Result<()> {
        if let (Some(skip_all), Some(_)) = (self.skip_all, &self.include) {
            return Err(syn::Error::new(
                skip_all,
                "`skip_all` cannot be combined with `include(...)`: `include` already records \
                 only the parameters it names",
            ));
        }
        if let (Some(skip_all), Some(_)) = (self.skip_all, &self.skip) {
            return Err(syn::Error::new(
                skip_all,
                "`skip_all` cannot be combined with `skip(...)`: every parameter is already skipped",
            ));
        }
        if let (Some((skip, _)), Some(_)) = (&self.skip, &self.include) {
            return Err(syn::Error::new(
                *skip,
                "`skip(...)` cannot be combined with `include(...)`: use one or the other",
            ));
        }
        Ok(())
    }

    /// Where the first option is, for errors about the options as a whole.
    pub(crate) fn span(&self) -> Span {
        self.skip_all
            .or(self.skip.as_ref().map(|(s, _)| *s))
            .or(self.include.as_ref().map(|(s, _)| *s))
            .or(self.name.as_ref().map(LitStr::span))
            .or(self.fields.first().map(|(k, _)| k.span()))
            .unwrap_or_else(Span::call_site)
    }

    /// Whether no option was given.
    pub(crate) fn is_empty(&self) -> bool {
        self.skip.is_none()
            && self.skip_all.is_none()
            && self.include.is_none()
            && !self.fields_seen
            && self.name.is_none()
    }
}

fn duplicate(span: Span, option: &str) -> syn::Error {
    syn::Error::new(span, format!("duplicate option `{option}`"))
}

/// `(a, b, c)`: distinct parameter names.
fn parse_names(input: ParseStream<'_>) -> syn::Result<Vec<Ident>> {
    let content;
    syn::parenthesized!(content in input);
    let names = Punctuated::<Ident, Token![,]>::parse_terminated_with(&content, Ident::parse_any)?;
    let mut seen: Vec<Ident> = Vec::new();
    for name in names {
        if name == "self" {
            return Err(syn::Error::new(
                name.span(),
                "the receiver `self` is never recorded; remove it from the list",
            ));
        }
        if seen.iter().any(|s| s == &name) {
            return Err(syn::Error::new(
                name.span(),
                format!("`{name}` is listed twice"),
            ));
        }
        seen.push(name);
    }
    Ok(seen)
}

/// `(key = expr, "dotted.key" = expr, a.b = expr)`.
fn parse_fields(input: ParseStream<'_>) -> syn::Result<Vec<(LitStr, Expr)>> {
    let content;
    syn::parenthesized!(content in input);
    let mut fields: Vec<(LitStr, Expr)> = Vec::new();
    while !content.is_empty() {
        let key = if content.peek(LitStr) {
            content.parse::<LitStr>()?
        } else {
            let first = Ident::parse_any(&content)?;
            let mut key = first.to_string();
            while content.peek(Token![.]) {
                content.parse::<Token![.]>()?;
                key.push('.');
                key.push_str(&Ident::parse_any(&content)?.to_string());
            }
            LitStr::new(&key, first.span())
        };
        if key.value().is_empty() {
            return Err(syn::Error::new(key.span(), "a field key must not be empty"));
        }
        if fields.iter().any(|(k, _)| k.value() == key.value()) {
            return Err(syn::Error::new(
                key.span(),
                format!("field `{}` is given twice", key.value()),
            ));
        }
        content.parse::<Token![=]>()?;
        let value: Expr = content.parse()?;
        fields.push((key, value));
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(fields)
}
