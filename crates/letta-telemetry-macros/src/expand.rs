//! Code generation for `#[trace_method]` and `#[derive(TelemetryId)]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{
    Attribute, DeriveInput, FnArg, Ident, ImplItem, ItemFn, ItemImpl, LitStr, Pat, ReturnType, Type,
};

use crate::attr::Options;

/// How one recorded parameter is treated. The default lists
/// (`SKIPPED_PARAMETERS`, `NEVER_SKIPPED_PARAMETERS`) live in the runtime
/// crate only: the generated code asks it in a `const` block, so the branch
/// is decided at compile time.
#[derive(Clone, Copy)]
enum Rule {
    /// Named in `include(...)`: recorded.
    Record,
    /// Named in `skip(...)`: skipped.
    Skip,
    /// Named nowhere: skipped when the default list says so.
    Default,
    /// Under `skip_all`: skipped unless never skipped.
    SkipAll,
}

/// How the span is named when `name = "..."` is absent.
enum Naming {
    /// `module.function`, or `Type.method` from `type_name::<Self>()` for a
    /// function with a receiver.
    Infer,
    /// `Type.function` from an `impl` block attribute.
    Impl(String),
}

/// `#[trace_method]` on a function.
pub(crate) fn trace_fn(options: Options, item: ItemFn) -> syn::Result<TokenStream> {
    expand_fn(options, item, &Naming::Infer)
}

/// `#[trace_method]` on an `impl` block: every function in it is traced
/// and named `Type.function`; a function's own `#[trace_method(...)]` gives
/// its options.
pub(crate) fn trace_impl(options: Options, mut item: ItemImpl) -> syn::Result<TokenStream> {
    if !options.is_empty() {
        return Err(syn::Error::new(
            options.span(),
            "`#[trace_method]` on an impl block takes no options; put them on the \
             functions as `#[trace_method(...)]`",
        ));
    }
    let type_name = match &*item.self_ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
    .ok_or_else(|| {
        syn::Error::new(
            item.self_ty.span(),
            "`#[trace_method]` on an impl block needs a named type, like `impl Agent { .. }`",
        )
    })?;
    let naming = Naming::Impl(type_name);
    for impl_item in &mut item.items {
        let ImplItem::Fn(f) = impl_item else { continue };
        if f.sig.constness.is_some() {
            continue;
        }
        let (own, rest) = take_own_attribute(std::mem::take(&mut f.attrs))?;
        let options = own.unwrap_or_default();
        let function = ItemFn {
            attrs: rest,
            vis: f.vis.clone(),
            sig: f.sig.clone(),
            block: Box::new(f.block.clone()),
        };
        let expanded = expand_fn(options, function, &naming)?;
        let traced: ItemFn = syn::parse2(expanded)?;
        f.attrs = traced.attrs;
        f.block = *traced.block;
    }
    Ok(quote!(#item))
}

/// Splits off a nested `#[trace_method(...)]` and parses its options.
fn take_own_attribute(attrs: Vec<Attribute>) -> syn::Result<(Option<Options>, Vec<Attribute>)> {
    let mut own = None;
    let mut rest = Vec::with_capacity(attrs.len());
    for attr in attrs {
        let is_ours = attr
            .path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "trace_method");
        if !is_ours {
            rest.push(attr);
            continue;
        }
        if own.is_some() {
            return Err(syn::Error::new(attr.span(), "duplicate `#[trace_method]`"));
        }
        own = Some(match &attr.meta {
            syn::Meta::Path(_) => Options::default(),
            _ => attr.parse_args::<Options>()?,
        });
    }
    Ok((own, rest))
}

/// One recordable parameter.
struct Param {
    ident: Ident,
    name: String,
}

fn expand_fn(options: Options, item: ItemFn, naming: &Naming) -> syn::Result<TokenStream> {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = item;
    if let Some(c) = sig.constness {
        return Err(syn::Error::new(
            c.span,
            "`#[trace_method]` cannot trace a `const fn`",
        ));
    }
    let fn_name = sig.ident.to_string();
    let fn_name = fn_name.strip_prefix("r#").unwrap_or(&fn_name).to_owned();

    // Every binding of every typed parameter, destructured ones included
    // (`(a, b): (i32, i32)` records `a` and `b`).
    let mut idents = Vec::new();
    for arg in &sig.inputs {
        if let FnArg::Typed(t) = arg {
            bindings(&t.pat, &mut idents);
        }
    }
    let params: Vec<Param> = idents
        .into_iter()
        .map(|ident| {
            let name = ident.to_string();
            let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();
            Param { ident, name }
        })
        .collect();

    let check = |list: &Option<(Span, Vec<Ident>)>| -> syn::Result<()> {
        for ident in list.iter().flat_map(|(_, l)| l) {
            if !params.iter().any(|p| &p.ident == ident) {
                return Err(syn::Error::new(
                    ident.span(),
                    format!("`{ident}` is not a parameter of `{fn_name}`"),
                ));
            }
        }
        Ok(())
    };
    check(&options.skip)?;
    check(&options.include)?;

    let in_list = |list: &Option<(Span, Vec<Ident>)>, p: &Param| {
        list.as_ref()
            .is_some_and(|(_, l)| l.iter().any(|i| i == &p.ident))
    };
    let recorded: Vec<(&Param, Rule)> = params
        .iter()
        .filter(|p| options.include.is_none() || in_list(&options.include, p))
        .map(|p| {
            let rule = if in_list(&options.skip, p) {
                Rule::Skip
            } else if options.include.is_some() {
                Rule::Record
            } else if options.skip_all.is_some() {
                Rule::SkipAll
            } else {
                Rule::Default
            };
            (p, rule)
        })
        .collect();

    let private = quote!(::letta_telemetry::__private);
    let has_receiver = sig.receiver().is_some();
    let name = match (&options.name, naming) {
        (Some(lit), _) => quote!(::core::option::Option::Some(#lit)),
        (None, Naming::Impl(ty)) => {
            let lit = LitStr::new(&format!("{ty}.{fn_name}"), Span::call_site());
            quote!(::core::option::Option::Some(#lit))
        }
        (None, Naming::Infer) => quote!(::core::option::Option::None),
    };
    let meta_ctor = if has_receiver && matches!(naming, Naming::Infer) {
        quote!(#private::FnMeta::method)
    } else {
        quote!(#private::FnMeta::new)
    };
    let start = if has_receiver && matches!(naming, Naming::Infer) {
        quote!(#private::start_method(&__LT_META, ::core::any::type_name::<Self>(), __lt_capture))
    } else {
        quote!(#private::start(&__LT_META, __lt_capture))
    };

    let count = recorded.len();
    // Sizes a recording span's attribute list once.
    let attributes = count + options.fields.len();
    let param_statics = recorded.iter().map(|(p, _)| {
        let name = &p.name;
        let key = format!("parameter.{name}");
        quote!(#private::Param::new(#name, #key))
    });
    let captures = recorded.iter().enumerate().map(|(i, (p, rule))| {
        let ident = &p.ident;
        let name = &p.name;
        let skip = quote_spanned! {ident.span()=>
            __lt_params.skipped(&__LT_PARAMS[#i], || {
                (&&&#private::IdProbe(&#ident)).lt_excluded()
            });
        };
        let record = quote_spanned! {ident.span()=>
            __lt_params.param(&__LT_PARAMS[#i], |__lt_slot| {
                (&&&#private::Probe(&#ident)).lt_capture(__lt_slot)
            });
        };
        match rule {
            Rule::Record => record,
            Rule::Skip => skip,
            Rule::Default => quote! {
                if const { #private::skipped_by_default(#name) } { #skip } else { #record }
            },
            Rule::SkipAll => quote! {
                if const { #private::never_skipped(#name) } { #record } else { #skip }
            },
        }
    });
    let fields = options.fields.iter().map(|(key, value)| {
        quote_spanned! {value.span()=>
            __lt_params.field(#key, #value);
        }
    });

    // The body's declared return type, when it can be written in the body.
    let ret_ty: Option<TokenStream> = match &sig.output {
        ReturnType::Default => Some(quote!(())),
        ReturnType::Type(_, ty) if contains_impl_trait(ty) => None,
        ReturnType::Type(_, ty) => Some(quote!(#ty)),
    };
    let outcome = quote! {
        |__lt_ret, __lt_outcome| {
            #[allow(unused_imports)]
            use #private::{OutcomeDebugErr as _, OutcomeDisplayErr as _, OutcomeOk as _, OutcomeOpaqueErr as _};
            (&&&&#private::OutcomeProbe(__lt_ret)).lt_outcome(__lt_outcome)
        }
    };
    let run = if sig.asyncness.is_some() {
        let body = match &ret_ty {
            Some(ty) => quote!(#private::async_body::<#ty, _>(async move #block)),
            None => quote!(async move #block),
        };
        quote! {
            let __lt_body = #body;
            match __lt_call {
                ::core::option::Option::None => __lt_body.await,
                ::core::option::Option::Some(__lt_call) => {
                    __lt_call.run_async(__lt_body, #outcome).await
                }
            }
        }
    } else {
        let body = match &ret_ty {
            Some(ty) => quote!(move || -> #ty #block),
            None => quote!(move || #block),
        };
        quote! {
            let __lt_body = #body;
            match __lt_call {
                ::core::option::Option::None => __lt_body(),
                ::core::option::Option::Some(__lt_call) => __lt_call.run_sync(__lt_body, #outcome),
            }
        }
    };
    let fn_name_lit = LitStr::new(&fn_name, sig.ident.span());
    let capture_fn = format_ident!("__lt_capture");
    Ok(quote! {
        #(#attrs)*
        #vis #sig {
            static __LT_META: #private::FnMeta =
                #meta_ctor(#fn_name_lit, ::core::module_path!(), #name, #attributes);
            static __LT_PARAMS: [#private::Param; #count] = [#(#param_statics),*];
            let #capture_fn = |__lt_params: &mut #private::Params<'_>| {
                #[allow(unused_imports)]
                use #private::{
                    CaptureDebug as _, CaptureNative as _, CaptureOpaque as _, IdCollection as _,
                    IdOpaque as _, IdSingle as _,
                };
                #(#captures)*
                #(#fields)*
            };
            let __lt_call = #start;
            #run
        }
    })
}

fn contains_impl_trait(ty: &Type) -> bool {
    fn walk(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == "impl",
            proc_macro2::TokenTree::Group(g) => walk(g.stream()),
            _ => false,
        })
    }
    walk(quote!(#ty))
}

/// `#[derive(TelemetryId)]`: the `id` field is the id.
pub(crate) fn derive_telemetry_id(input: DeriveInput) -> syn::Result<TokenStream> {
    let has_id = match &input.data {
        syn::Data::Struct(s) => s
            .fields
            .iter()
            .any(|f| f.ident.as_ref().is_some_and(|i| i == "id")),
        _ => false,
    };
    if !has_id {
        return Err(syn::Error::new(
            input.ident.span(),
            "`#[derive(TelemetryId)]` needs a struct with a field named `id` \
             (a `Display` type or an `Option` of one)",
        ));
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::letta_telemetry::TelemetryId for #ident #ty_generics #where_clause {
            fn telemetry_id(&self) -> ::core::option::Option<::std::string::String> {
                #[allow(unused_imports)]
                use ::letta_telemetry::__private::{IdFieldDisplay as _, IdFieldOption as _};
                (&&::letta_telemetry::__private::IdField(&self.id)).lt_id()
            }
        }
    })
}

/// The identifiers a parameter pattern binds, in order: `a` of `a: T`,
/// `a` and `b` of `(a, b): (T, U)`, `x` and `y` of `Point { x, y }: Point`.
/// Wildcards, literals and ranges bind nothing.
fn bindings(pat: &Pat, out: &mut Vec<Ident>) {
    match pat {
        Pat::Ident(p) => {
            out.push(p.ident.clone());
            if let Some((_, sub)) = &p.subpat {
                bindings(sub, out);
            }
        }
        Pat::Tuple(t) => t.elems.iter().for_each(|p| bindings(p, out)),
        Pat::TupleStruct(t) => t.elems.iter().for_each(|p| bindings(p, out)),
        Pat::Struct(s) => s.fields.iter().for_each(|f| bindings(&f.pat, out)),
        Pat::Slice(s) => s.elems.iter().for_each(|p| bindings(p, out)),
        Pat::Reference(r) => bindings(&r.pat, out),
        Pat::Type(t) => bindings(&t.pat, out),
        Pat::Paren(p) => bindings(&p.pat, out),
        Pat::Or(o) => {
            if let Some(first) = o.cases.first() {
                bindings(first, out);
            }
        }
        _ => {}
    }
}
