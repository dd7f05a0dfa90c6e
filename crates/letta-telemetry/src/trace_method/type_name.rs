//! Short type names: `alloc::vec::Vec<my_app::Message>` → `Vec<Message>`.

use std::borrow::Cow;

/// `type_name` with every path shortened to its last segment and leading
/// references removed (`&mut my::Agent` → `Agent`).
pub(crate) fn short_type_name(full: &'static str) -> Cow<'static, str> {
    let trimmed = strip_refs(full);
    if !trimmed.contains("::") {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut segment_start = 0;
    let bytes = trimmed.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b':' if bytes.get(i + 1) == Some(&b':') => {
                i += 2;
                segment_start = i;
                continue;
            }
            b'<' | b'>' | b',' | b' ' | b'(' | b')' | b'[' | b']' | b';' | b'&' | b'*' => {
                out.push_str(&trimmed[segment_start..=i]);
                segment_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&trimmed[segment_start..]);
    Cow::Owned(out)
}

/// The last path segment of a type's name, without generic arguments:
/// `my_app::agents::Agent<alloc::string::String>` → `Agent`.
pub(crate) fn self_type_name(full: &'static str) -> &'static str {
    let base = strip_refs(full);
    let base = base.split('<').next().unwrap_or(base);
    base.rsplit("::").next().unwrap_or(base)
}

fn strip_refs(mut s: &'static str) -> &'static str {
    loop {
        if let Some(rest) = s.strip_prefix("&mut ") {
            s = rest;
        } else if let Some(rest) = s.strip_prefix('&') {
            s = rest;
        } else {
            return s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortens_paths() {
        assert_eq!(
            short_type_name("alloc::vec::Vec<my::Message>"),
            "Vec<Message>"
        );
        assert_eq!(
            short_type_name("&core::option::Option<(u8, a::B)>"),
            "Option<(u8, B)>"
        );
        assert_eq!(short_type_name("&mut [a::b::C]"), "[C]");
        assert_eq!(short_type_name("i64"), "i64");
        assert_eq!(
            short_type_name("alloc::boxed::Box<dyn core::error::Error + core::marker::Send>"),
            "Box<dyn Error + Send>"
        );
    }

    #[test]
    fn self_type() {
        assert_eq!(
            self_type_name("app::agents::Agent<alloc::string::String>"),
            "Agent"
        );
        assert_eq!(self_type_name("Agent"), "Agent");
    }
}
