//! The secret-name policy: whether a name (a setting, a `#[trace_method]`
//! parameter, a header, a JSON body key, a query parameter) names a secret.
//!
//! A name is cut into *segments*: it is percent-decoded, split at every
//! character that is not an ASCII letter or digit (`_`, `-`, `.`, …) and at
//! camel-case humps (`openaiApiKey` → `openai`, `Api`, `Key`; `APIKey` →
//! `API`, `Key`). It is secret when, ignoring ASCII case,
//! - one segment, or a run of adjacent segments written together, is a word
//!   of the list (`pass`+`word`, `api`+`key`, `session`+`id`); or
//! - it is one segment that ends with a list word of five letters or more
//!   (`clientsecret`, `accesstoken`, `openaiapikey`);
//!
//! unless its last segment says the value is a measure or a kind rather than
//! the secret itself ([`NOT_A_SECRET_SUFFIXES`]: `token_count`,
//! `token_type`, `key_size`).
//!
//! Words are matched whole, never as substrings: `max_tokens`,
//! `prompt_tokens` and `input_tokens` are not secret (the segment is
//! `tokens`), `monkey` is not (one segment that does not end with a long
//! word), while `key`, `pwd`, `auth`, `session_id` and `api%5Fkey` are.
//! Matching allocates nothing unless the name is percent-encoded.

use std::borrow::Cow;

use smallvec::SmallVec;

/// The default list of secret words, lower case, letters and digits only.
pub const DEFAULT_SECRET_NAMES: [&str; 25] = [
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "secret",
    "token",
    "key",
    "apikey",
    "privatekey",
    "accesskey",
    "accesskeyid",
    "auth",
    "authorization",
    "credential",
    "credentials",
    "cookie",
    "session",
    "sessionid",
    "sig",
    "signature",
    "jwt",
    "bearer",
    "csrf",
    "xsrf",
];

/// Last segments that make a name describe a secret rather than hold one
/// (`token_count`, `key_type`, `auth_url`): such a name is not secret.
pub const NOT_A_SECRET_SUFFIXES: [&str; 13] = [
    "count", "counts", "limit", "size", "length", "len", "type", "kind", "ttl", "expiry",
    "expires", "url", "uri",
];

/// Shortest word that the single-segment suffix rule applies to: shorter
/// ones (`key`, `pwd`, `sig`) would match ordinary words (`monkey`).
const MIN_SUFFIX_WORD: usize = 5;

/// Whether `name` is secret under `words` (normalised: lower case, ASCII
/// letters and digits only).
pub(super) fn matches<W: AsRef<str>>(name: &str, words: &[W]) -> bool {
    let decoded = percent_decode(name);
    let segments = segments(&decoded);
    let Some(last) = segments.last() else {
        return false;
    };
    if segments.len() > 1
        && NOT_A_SECRET_SUFFIXES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(last))
    {
        return false;
    }
    words.iter().any(|w| {
        let w = w.as_ref();
        run_matches(&segments, w)
            || (segments.len() == 1 && w.len() >= MIN_SUFFIX_WORD && ends_with_ignore_case(last, w))
    })
}

/// Lower case, ASCII letters and digits only: the form list words are kept in.
pub(super) fn normalise(word: &str) -> String {
    word.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect()
}

fn percent_decode(name: &str) -> Cow<'_, str> {
    if name.contains('%') {
        percent_encoding::percent_decode_str(name).decode_utf8_lossy()
    } else {
        Cow::Borrowed(name)
    }
}

/// The segments of `name` (see the module docs), as slices of it.
fn segments(name: &str) -> SmallVec<[&str; 8]> {
    let bytes = name.as_bytes();
    let mut out = SmallVec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if let Some(s) = start.take() {
                out.push(&name[s..i]);
            }
            continue;
        }
        match start {
            None => start = Some(i),
            Some(s) if b.is_ascii_uppercase() && i > s => {
                let prev = bytes[i - 1];
                let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
                // `aB` starts a hump; so does the `K` of `APIKey`.
                if !prev.is_ascii_uppercase() || next_lower {
                    out.push(&name[s..i]);
                    start = Some(i);
                }
            }
            Some(_) => {}
        }
    }
    if let Some(s) = start {
        out.push(&name[s..]);
    }
    out
}

/// Whether some run of adjacent segments, written together, is `word`.
fn run_matches(segments: &[&str], word: &str) -> bool {
    (0..segments.len()).any(|start| {
        let mut rest = word;
        for seg in &segments[start..] {
            if rest.len() < seg.len() || !rest[..seg.len()].eq_ignore_ascii_case(seg) {
                return false;
            }
            rest = &rest[seg.len()..];
            if rest.is_empty() {
                return true;
            }
        }
        false
    })
}

fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len() && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(name: &str) -> bool {
        matches(name, &DEFAULT_SECRET_NAMES)
    }

    #[test]
    fn names_are_cut_at_separators_and_humps() {
        assert_eq!(
            segments("openaiApiKey").as_slice(),
            ["openai", "Api", "Key"]
        );
        assert_eq!(segments("APIKey").as_slice(), ["API", "Key"]);
        assert_eq!(segments("x-api-key").as_slice(), ["x", "api", "key"]);
        assert_eq!(
            segments("OPENAI_API_KEY").as_slice(),
            ["OPENAI", "API", "KEY"]
        );
        assert_eq!(segments("__a..b__").as_slice(), ["a", "b"]);
        assert!(segments("--").is_empty());
    }

    #[test]
    fn secrets_in_every_case_style_are_found() {
        for name in [
            "password",
            "passwd",
            "pwd",
            "pass",
            "auth",
            "cookie",
            "key",
            "session_id",
            "sessionId",
            "client_secret",
            "clientSecret",
            "clientsecret",
            "api_key",
            "apiKey",
            "APIKey",
            "x-api-key",
            "X-Api-Key",
            "OPENAI_API_KEY",
            "openaiapikey",
            "refresh_token",
            "accessToken",
            "accesstoken",
            "Authorization",
            "AWSAccessKeyId",
            "x-amz-signature",
            "sig",
            "private-key",
            "PrivateKey",
            "aws_credentials",
            "api%5Fkey",
            "api%5fkey",
            "session",
            "user.password",
        ] {
            assert!(secret(name), "{name} should be secret");
        }
    }

    #[test]
    fn counts_and_ordinary_words_stay_visible() {
        for name in [
            "max_tokens",
            "maxTokens",
            "prompt_tokens",
            "input_tokens",
            "completion_tokens",
            "total_tokens",
            "token_count",
            "token_type",
            "key_size",
            "auth_url",
            "agent_id",
            "user",
            "content-type",
            "query",
            "",
            "monkey",
            "passage",
            "keyboard",
            "tokenizer",
            "sessions_total",
            "authors",
        ] {
            assert!(!secret(name), "{name} should not be secret");
        }
    }

    #[test]
    fn a_run_of_segments_matches_a_compound_word() {
        assert!(matches("my-special-key", &["myspecialkey"]));
        assert!(matches("session_cookie", &["sessioncookie"]));
        assert!(!matches("session", &["sessioncookie"]));
    }
}
