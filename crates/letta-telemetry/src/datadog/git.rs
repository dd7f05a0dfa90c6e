//! Source-code integration: the repository URL and commit of the running
//! code, from the settings (`LETTA_TELEMETRY_DATADOG_GIT_*`, `DD_GIT_*`), else
//! captured by the build script (`git` at build time; absent without git).

/// The repository URL captured at build time, if any.
pub const BUILD_GIT_REPOSITORY_URL: Option<&str> = option_env!("LETTA_BUILD_GIT_REPOSITORY_URL");

/// The commit SHA captured at build time, if any.
pub const BUILD_GIT_COMMIT_SHA: Option<&str> = option_env!("LETTA_BUILD_GIT_COMMIT_SHA");

/// Repository URL and commit SHA of the running code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitMetadata {
    /// `git.repository_url` (credentials removed).
    pub repository_url: Option<String>,
    /// `git.commit.sha`.
    pub commit_sha: Option<String>,
}

impl GitMetadata {
    /// The settings' values, else the build-time ones.
    pub fn resolve(repository_url: Option<&str>, commit_sha: Option<&str>) -> Self {
        let pick = |set: Option<&str>, built: Option<&str>| {
            set.or(built)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        GitMetadata {
            repository_url: pick(repository_url, BUILD_GIT_REPOSITORY_URL)
                .map(|u| strip_credentials(&u)),
            commit_sha: pick(commit_sha, BUILD_GIT_COMMIT_SHA),
        }
    }

    /// `(key, value)` pairs for the set values, with the given key names.
    pub fn tags<'a>(
        &'a self,
        url_key: &'a str,
        sha_key: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.repository_url
            .as_deref()
            .map(|v| (url_key, v))
            .into_iter()
            .chain(self.commit_sha.as_deref().map(|v| (sha_key, v)))
    }
}

/// `https://user:token@host/x` → `https://host/x`: secrets never leave.
pub(crate) fn strip_credentials(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = match rest.find('/') {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            match authority.rsplit_once('@') {
                Some((_, host)) => format!("{scheme}://{host}{path}"),
                None => url.to_owned(),
            }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_win_and_credentials_are_removed() {
        let g = GitMetadata::resolve(Some("https://u:tok@github.com/org/repo"), Some("abc123"));
        assert_eq!(
            g.repository_url.as_deref(),
            Some("https://github.com/org/repo")
        );
        assert_eq!(g.commit_sha.as_deref(), Some("abc123"));
        assert_eq!(
            strip_credentials("git@github.com:org/repo.git"),
            "git@github.com:org/repo.git"
        );
    }
}
