//! The macro that turns the table of `table.rs` into the [`Field`](super::Field)
//! enum, the [`SETTINGS`](super::SETTINGS) registry, the builder's code values and its
//! `with_*` methods.

macro_rules! method_name {
    () => {
        None
    };
    ($method:ident) => {
        Some(stringify!($method))
    };
}

macro_rules! builder_method {
    ($key:literal $doc:literal $method:ident $field:ident into $ty:ty) => {
        #[doc = concat!("Sets `", $key, "` in code (wins over the environment): ", $doc, ".")]
        pub fn $method(mut self, value: impl Into<$ty>) -> Self {
            self.code.$field = Some(value.into());
            self
        }
    };
    ($key:literal $doc:literal $method:ident $field:ident value $ty:ty) => {
        #[doc = concat!("Sets `", $key, "` in code (wins over the environment): ", $doc, ".")]
        pub fn $method(mut self, value: $ty) -> Self {
            self.code.$field = Some(value);
            self
        }
    };
}

macro_rules! settings {
    ($(
        $variant:ident $key:literal [$($var:expr),*] $group:ident {
            form: $form:literal,
            default: $default:literal,
            doc: $doc:literal
            $(, also: [$($also:expr),*])?
            $(, secret: $secret:literal)?
            $(, code: $method:ident => $cfield:ident : $ckind:ident $cty:ty)?
            $(,)?
        }
    )*) => {
        /// One setting, named as in [`Settings::render`](crate::settings::Settings::render)
        /// (the field path in [`Settings`](crate::settings::Settings)).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Field {
            $(
                #[doc = concat!("`", $key, "`: ", $doc, ".")]
                $variant,
            )*
        }

        /// Every setting, in rendering order.
        pub static SETTINGS: &[SettingSpec] = &[$(
            SettingSpec {
                field: Field::$variant,
                key: $key,
                variables: &[$($var),*],
                also: &[$($($also),*)?],
                form: $form,
                default: $default,
                secret: false $(|| $secret)?,
                doc: $doc,
                group: Group::$group,
                method: method_name!($($method)?),
            },
        )*];

        impl Field {
            /// Every setting, in rendering order.
            pub const ALL: &'static [Field] = &[$(Field::$variant,)*];
        }

        /// Values set in code, one per builder method.
        #[derive(Clone, Default)]
        pub(in crate::settings) struct Code {
            $($(pub(in crate::settings) $cfield: Option<$cty>,)?)*
            pub(in crate::settings) headers: Option<Vec<(String, String)>>,
            pub(in crate::settings) resource_attributes: Option<Vec<(String, String)>>,
        }

        impl SettingsBuilder {
            $($(builder_method!($key $doc $method $cfield $ckind $cty);)?)*
        }
    };
}
