//! Static facts about one traced function, built at compile time.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use opentelemetry::Key;

use super::type_name::self_type_name;

/// How a traced function's span is named.
#[derive(Debug)]
enum NameKind {
    /// A name fixed at compile time (`name = "..."`, or `Type.fn` from an
    /// `impl` block attribute).
    Fixed(&'static str),
    /// `module.function`.
    Module,
    /// `Type.method` with `Type` known only at run time (`Self`).
    SelfType,
}

/// One traced function: its names and span-name cache.
#[derive(Debug)]
pub struct FnMeta {
    function: &'static str,
    module: &'static str,
    kind: NameKind,
    /// How many attributes a recording span gets (parameters and `fields`),
    /// to size its attribute list once.
    attributes: usize,
    /// The span name, computed on first use; for `SelfType`, paired with the
    /// `type_name::<Self>()` it was computed for.
    cached: OnceLock<(&'static str, Box<str>)>,
}

impl FnMeta {
    /// A function named `module.function` (or `name` when given), whose
    /// recording spans get `attributes` attributes (recorded parameters and
    /// `fields`).
    pub const fn new(
        function: &'static str,
        module: &'static str,
        name: Option<&'static str>,
        attributes: usize,
    ) -> Self {
        Self {
            function,
            module,
            kind: match name {
                Some(n) => NameKind::Fixed(n),
                None => NameKind::Module,
            },
            attributes,
            cached: OnceLock::new(),
        }
    }

    /// A method named `Type.method` after the run-time `Self` type (or
    /// `name` when given); `attributes` as for [`FnMeta::new`].
    pub const fn method(
        function: &'static str,
        module: &'static str,
        name: Option<&'static str>,
        attributes: usize,
    ) -> Self {
        Self {
            function,
            module,
            kind: match name {
                Some(n) => NameKind::Fixed(n),
                None => NameKind::SelfType,
            },
            attributes,
            cached: OnceLock::new(),
        }
    }

    /// The capacity to give a recording span's attribute list.
    pub(crate) fn attribute_capacity(&self) -> usize {
        self.attributes
    }

    /// The function's name.
    pub fn function(&self) -> &'static str {
        self.function
    }

    /// The full `module_path!()`.
    pub fn module(&self) -> &'static str {
        self.module
    }

    /// The span name. `self_type` is `type_name::<Self>()` for methods.
    pub(crate) fn span_name(&'static self, self_type: &'static str) -> Cow<'static, str> {
        match self.kind {
            NameKind::Fixed(n) => Cow::Borrowed(n),
            NameKind::Module => {
                let (_, name) = self.cached.get_or_init(|| {
                    let module = self.module.rsplit("::").next().unwrap_or(self.module);
                    ("", format!("{module}.{}", self.function).into_boxed_str())
                });
                // Borrowed from the static: no allocation per call.
                Cow::Borrowed(name)
            }
            NameKind::SelfType => {
                let make = || format!("{}.{}", self_type_name(self_type), self.function);
                let (for_type, name) = self
                    .cached
                    .get_or_init(|| (self_type, make().into_boxed_str()));
                // A trait's default method is one function for every
                // implementor: only the first type seen is cached.
                if *for_type == self_type {
                    Cow::Borrowed(name)
                } else {
                    Cow::Owned(make())
                }
            }
        }
    }
}

/// Whether `name` is one of `list`, in a const context (`str` equality is
/// not `const`).
const fn listed(name: &str, list: &[&str]) -> bool {
    let name = name.as_bytes();
    let mut i = 0;
    while i < list.len() {
        let candidate = list[i].as_bytes();
        if candidate.len() == name.len() {
            let mut j = 0;
            while j < name.len() && candidate[j] == name[j] {
                j += 1;
            }
            if j == name.len() {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// Whether a parameter named `name` is skipped when the options name it
/// nowhere ([`super::SKIPPED_PARAMETERS`], less the never-skipped ones). The
/// generated code asks in a `const` block, so the lists live only here and a
/// call pays nothing for them.
pub const fn skipped_by_default(name: &str) -> bool {
    !never_skipped(name) && listed(name, &super::SKIPPED_PARAMETERS)
}

/// Whether a parameter named `name` is recorded even under `skip_all` and
/// past the total limit ([`super::NEVER_SKIPPED_PARAMETERS`]).
pub const fn never_skipped(name: &str) -> bool {
    listed(name, &super::NEVER_SKIPPED_PARAMETERS)
}

/// One recorded parameter: its name, attribute key, whether it is never
/// skipped, and its cached redaction decision.
#[derive(Debug)]
pub struct Param {
    name: &'static str,
    key: &'static str,
    /// In [`super::NEVER_SKIPPED_PARAMETERS`]: recorded past the total limit.
    never_skipped: bool,
    /// The cached [`crate::redact::is_secret_name`] answer: 0 = unknown,
    /// else `(generation << 2) | 0b10 | secret`.
    secret: AtomicU32,
}

impl Param {
    /// `name` with its attribute key `parameter.<name>`.
    pub const fn new(name: &'static str, key: &'static str) -> Self {
        Self {
            name,
            key,
            never_skipped: never_skipped(name),
            secret: AtomicU32::new(0),
        }
    }

    /// The parameter's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Whether the parameter is recorded even past the total limit
    /// ([`super::NEVER_SKIPPED_PARAMETERS`]).
    pub(crate) fn is_never_skipped(&self) -> bool {
        self.never_skipped
    }

    pub(crate) fn key(&self) -> Key {
        Key::from_static_str(self.key)
    }

    /// Whether the name is a secret name, cached until the list changes.
    pub(crate) fn is_secret(&self) -> bool {
        let generation = crate::redact::generation();
        let cached = self.secret.load(Ordering::Relaxed);
        if cached & 0b10 != 0 && cached >> 2 == generation & (u32::MAX >> 2) {
            return cached & 1 == 1;
        }
        let secret = crate::redact::is_secret_name(self.name);
        let encoded = ((generation & (u32::MAX >> 2)) << 2) | 0b10 | u32::from(secret);
        self.secret.store(encoded, Ordering::Relaxed);
        secret
    }
}
