//! The request headers the HTTP layer copies to span attributes, addressed
//! by name rather than by position in a table.

/// Request headers copied to span attributes when present: `(header,
/// attribute key)`, the reference's names.
pub const SPAN_HEADERS: [(&str, &str); SpanHeader::COUNT] = [
    ("user_id", "user.id"),
    ("x-organization-id", "organization.id"),
    ("x-project-id", "project.id"),
    ("x-agent-id", "agent.id"),
    ("x-template-id", "template.id"),
    ("x-base-template-id", "base_template.id"),
    ("user-agent", "client"),
    ("x-stainless-package-version", "sdk.version"),
    ("x-stainless-lang", "sdk.language"),
    ("x-letta-source", "source"),
];

/// One of [`SPAN_HEADERS`]; its discriminant is its row in that table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpanHeader {
    UserId,
    OrganizationId,
    ProjectId,
    AgentId,
    TemplateId,
    BaseTemplateId,
    UserAgent,
    SdkVersion,
    SdkLanguage,
    Source,
}

impl SpanHeader {
    /// How many there are.
    pub(crate) const COUNT: usize = 10;

    /// Every header, in [`SPAN_HEADERS`] order.
    pub(crate) const ALL: [Self; Self::COUNT] = [
        Self::UserId,
        Self::OrganizationId,
        Self::ProjectId,
        Self::AgentId,
        Self::TemplateId,
        Self::BaseTemplateId,
        Self::UserAgent,
        Self::SdkVersion,
        Self::SdkLanguage,
        Self::Source,
    ];

    /// The headers that are also request context attributes, in
    /// [`crate::context::CONTEXT_HEADERS`] order.
    pub(crate) const CONTEXT: [Self; 5] = [
        Self::OrganizationId,
        Self::ProjectId,
        Self::BaseTemplateId,
        Self::TemplateId,
        Self::AgentId,
    ];

    /// How many headers have few values per endpoint (see
    /// [`SpanHeader::common_index`]).
    pub(crate) const COMMON_COUNT: usize = 4;

    /// The header called `name` (lower case, as `http` stores names).
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "user_id" => Self::UserId,
            "x-organization-id" => Self::OrganizationId,
            "x-project-id" => Self::ProjectId,
            "x-agent-id" => Self::AgentId,
            "x-template-id" => Self::TemplateId,
            "x-base-template-id" => Self::BaseTemplateId,
            "user-agent" => Self::UserAgent,
            "x-stainless-package-version" => Self::SdkVersion,
            "x-stainless-lang" => Self::SdkLanguage,
            "x-letta-source" => Self::Source,
            _ => return None,
        })
    }

    /// Its row in [`SPAN_HEADERS`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// The attribute key.
    pub(crate) const fn key(self) -> &'static str {
        SPAN_HEADERS[self.index()].1
    }

    /// For a header whose values are few per endpoint (client software and
    /// version, source), its place among those, `0..COMMON_COUNT`; ids are
    /// not common.
    pub(crate) const fn common_index(self) -> Option<usize> {
        match self {
            Self::UserAgent => Some(0),
            Self::SdkVersion => Some(1),
            Self::SdkLanguage => Some(2),
            Self::Source => Some(3),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_enum_and_the_tables_agree() {
        for (i, header) in SpanHeader::ALL.iter().enumerate() {
            assert_eq!(header.index(), i);
            assert_eq!(SpanHeader::from_name(SPAN_HEADERS[i].0), Some(*header));
        }
        assert_eq!(SpanHeader::from_name("traceparent"), None);
        for (header, (name, key)) in SpanHeader::CONTEXT
            .iter()
            .zip(crate::context::CONTEXT_HEADERS.iter())
        {
            assert_eq!(SPAN_HEADERS[header.index()], (*name, *key));
        }
        let common: Vec<usize> = SpanHeader::ALL
            .iter()
            .filter_map(|h| h.common_index())
            .collect();
        assert_eq!(common, (0..SpanHeader::COMMON_COUNT).collect::<Vec<_>>());
    }
}
