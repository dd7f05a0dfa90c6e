//! [`Resolver`]: reads the variables of each setting, recording where every
//! value came from, every invalid value and every warning.

use std::path::PathBuf;
use std::time::Duration;

use super::env::EnvSource;
use super::error::SettingProblem;
use super::parse::{self, parse_bool};
use super::registry::Field;
use super::source::Source;
use super::values::{InvalidValue, Protocol, RATIO_FORM, SamplerSetting};
use super::vars as v;
use super::warning::SettingWarning;

/// Reads variables, recording sources, problems and warnings.
pub(super) struct Resolver<'a> {
    pub(super) env: &'a EnvSource,
    pub(super) problems: Vec<SettingProblem>,
    pub(super) warnings: Vec<SettingWarning>,
    pub(super) sources: Vec<(Field, Source)>,
}

impl Resolver<'_> {
    /// The variables of `names` that are set (and not empty), as spelled in
    /// the environment, with their values, in precedence order: the first one
    /// wins, the others are shadowed.
    pub(super) fn set_vars(&mut self, names: &[&'static str]) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for name in names {
            let Some((spelled, value)) = self.env.lookup_raw(name) else {
                continue;
            };
            let Some(value) = value else {
                self.problems.push(SettingProblem::new(
                    spelled,
                    "<not valid UTF-8>",
                    "a valid UTF-8 value",
                ));
                continue;
            };
            if !value.trim().is_empty() {
                found.push((spelled.to_string(), value.to_string()));
            }
        }
        found
    }

    /// The first of `names` that is set (and not empty), with its value.
    pub(super) fn first(&mut self, names: &[&'static str]) -> Option<(String, String)> {
        self.set_vars(names).into_iter().next()
    }

    /// A value from the environment only; `None` when unset or invalid.
    ///
    /// When several of `names` are set, the first wins; each other one whose
    /// value means something else (parsed, so `false` and `0` agree) gets a
    /// [`SettingWarning::Shadowed`]. An invalid value is reported as shown by
    /// `mask` (secrets masked).
    pub(super) fn env_value_from<T: PartialEq>(
        &mut self,
        field: Field,
        names: &[&'static str],
        mask: fn(&str) -> String,
        parse: impl Fn(&str) -> Result<T, InvalidValue>,
    ) -> Option<T> {
        let mut set = self.set_vars(names).into_iter();
        let (variable, raw) = set.next()?;
        match parse(&raw) {
            Ok(value) => {
                for (shadowed, other) in set {
                    if parse(&other).ok().as_ref() != Some(&value) {
                        self.warnings.push(SettingWarning::Shadowed {
                            variable: shadowed,
                            used: variable.clone(),
                        });
                    }
                }
                self.sources.push((field, Source::Environment { variable }));
                Some(value)
            }
            Err(e) => {
                self.problems
                    .push(SettingProblem::new(variable, mask(&raw), e.expected));
                None
            }
        }
    }

    /// [`Resolver::env_value_from`] the variables of `field` in the registry.
    pub(super) fn env_value<T: PartialEq>(
        &mut self,
        field: Field,
        mask: fn(&str) -> String,
        parse: impl Fn(&str) -> Result<T, InvalidValue>,
    ) -> Option<T> {
        self.env_value_from(field, field.variables(), mask, parse)
    }

    /// Code, else the environment; `None` means "use the default".
    pub(super) fn value<T: PartialEq>(
        &mut self,
        field: Field,
        code: Option<T>,
        parse: impl Fn(&str) -> Result<T, InvalidValue>,
    ) -> Option<T> {
        if let Some(value) = code {
            self.sources.push((field, Source::Code));
            return Some(value);
        }
        self.env_value(field, str::to_owned, parse)
    }

    pub(super) fn boolean(&mut self, field: Field, code: Option<bool>) -> Option<bool> {
        self.value(field, code, parse_bool)
    }

    pub(super) fn string(&mut self, field: Field, code: Option<String>) -> Option<String> {
        self.value(field, code, |s| Ok(s.trim().to_string()))
    }

    /// A positive duration: milliseconds in the environment.
    pub(super) fn duration(&mut self, field: Field, code: Option<Duration>) -> Option<Duration> {
        if code.is_some_and(|d| d.is_zero()) {
            self.code_problem(field.method(), "0ms", "a positive duration");
            return None;
        }
        self.value(field, code, parse::parse_millis)
    }

    /// A list of regexes: comma-separated in the environment; each must
    /// compile, from code too.
    pub(super) fn regex_list(
        &mut self,
        field: Field,
        code: Option<Vec<String>>,
    ) -> Option<Vec<String>> {
        if let Some(patterns) = &code
            && let Err(e) = parse::check_regex_list(patterns)
        {
            self.code_problem(field.method(), patterns.join(","), e.expected);
            return None;
        }
        self.value(field, code, parse::parse_regex_list)
    }

    /// A positive count.
    pub(super) fn count(&mut self, field: Field, code: Option<usize>) -> Option<usize> {
        if code == Some(0) {
            self.code_problem(field.method(), "0", "a positive integer");
            return None;
        }
        self.value(field, code, parse::parse_positive_usize)
    }

    pub(super) fn endpoint(
        &mut self,
        field: Field,
        code: Option<String>,
        protocol: Protocol,
        insecure: bool,
    ) -> Option<String> {
        match code {
            Some(raw) => match parse::parse_endpoint(&raw, protocol, insecure) {
                Ok(e) => {
                    self.sources.push((field, Source::Code));
                    Some(e)
                }
                Err(e) => {
                    self.code_problem(field.method(), crate::redact::mask_url(&raw), e.expected);
                    None
                }
            },
            None => self.env_value(field, crate::redact::mask_url, |s| {
                parse::parse_endpoint(s, protocol, insecure)
            }),
        }
    }

    pub(super) fn service_name(
        &mut self,
        code: Option<String>,
        env_name: Option<&str>,
        resource_attributes: &[(String, String)],
    ) -> Option<String> {
        // Code, else OTEL_SERVICE_NAME; `string` reads the variable only when
        // there is no value from code.
        if let Some(name) = self.string(Field::ServiceName, code) {
            return Some(name);
        }
        if let Some(env_name) = env_name {
            let source = self.source_of(Field::EnvName).unwrap_or(Source::Code);
            self.sources.push((Field::ServiceName, source));
            return Some(format!("letta-server-{}", env_name.to_lowercase()));
        }
        let from_attributes = resource_attributes
            .iter()
            .rev()
            .find(|(k, _)| k == "service.name")
            .map(|(_, v)| v.clone())?;
        let source = self
            .source_of(Field::ResourceAttributes)
            .unwrap_or(Source::Code);
        self.sources.push((Field::ServiceName, source));
        Some(from_attributes)
    }

    pub(super) fn sampler(&mut self, code: Option<SamplerSetting>) -> Option<SamplerSetting> {
        if let Some(sampler) = code {
            if sampler.ratio().is_some_and(|r| !(0.0..=1.0).contains(&r)) {
                self.code_problem("with_sampler", sampler.to_string(), RATIO_FORM);
                return None;
            }
            self.sources.push((Field::Sampler, Source::Code));
            return Some(sampler);
        }
        let arg = self.first(&[v::OTEL_TRACES_SAMPLER_ARG]);
        let Some((variable, name)) = self.first(&[v::OTEL_TRACES_SAMPLER]) else {
            if let Some((arg_var, _)) = arg {
                self.warnings.push(SettingWarning::Ignored {
                    variable: arg_var,
                    reason: "OTEL_TRACES_SAMPLER is not set to a ratio sampler",
                });
            }
            return None;
        };
        let ratio = match arg {
            Some((arg_var, raw)) if SamplerSetting::takes_ratio(&name) => {
                match parse::parse_ratio(&raw) {
                    Ok(r) => r,
                    Err(e) => {
                        self.problems
                            .push(SettingProblem::new(arg_var, raw, e.expected));
                        1.0
                    }
                }
            }
            Some((arg_var, _)) => {
                self.warnings.push(SettingWarning::Ignored {
                    variable: arg_var,
                    reason: "OTEL_TRACES_SAMPLER is not set to a ratio sampler",
                });
                1.0
            }
            None => 1.0,
        };
        match SamplerSetting::from_name(&name, ratio) {
            Ok(sampler) => {
                self.sources
                    .push((Field::Sampler, Source::Environment { variable }));
                Some(sampler)
            }
            Err(e) => {
                self.problems
                    .push(SettingProblem::new(variable, name, e.expected));
                None
            }
        }
    }

    pub(super) fn letta_dir(&mut self, code: Option<PathBuf>) -> PathBuf {
        let home = self.env.get(v::HOME).filter(|h| !h.trim().is_empty());
        let expand = |s: &str| -> PathBuf {
            match (s.strip_prefix('~'), home) {
                (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
                    PathBuf::from(format!("{home}{rest}"))
                }
                _ => PathBuf::from(s),
            }
        };
        if let Some(dir) = self.value(Field::LettaDir, code, |s| Ok(expand(s.trim()))) {
            return dir;
        }
        match home {
            Some(home) => PathBuf::from(home).join(".letta"),
            None => PathBuf::from(".letta"),
        }
    }

    pub(super) fn source_of(&self, field: Field) -> Option<Source> {
        self.sources
            .iter()
            .rev()
            .find(|(f, _)| *f == field)
            .map(|(_, s)| s.clone())
    }

    pub(super) fn code_problem(
        &mut self,
        method: &str,
        value: impl Into<String>,
        expected: impl Into<String>,
    ) {
        self.problems.push(SettingProblem::new(
            format!("Settings::builder().{method}"),
            value,
            expected,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve<T>(
        vars: &[(&str, &str)],
        read: impl FnOnce(&mut Resolver<'_>) -> T,
    ) -> (T, Resolver<'static>) {
        let env: &'static EnvSource =
            Box::leak(Box::new(EnvSource::from_vars(vars.iter().copied())));
        let mut r = Resolver {
            env,
            problems: Vec::new(),
            warnings: Vec::new(),
            sources: Vec::new(),
        };
        let value = read(&mut r);
        (value, r)
    }

    #[test]
    fn the_first_listed_variable_wins_and_a_disagreeing_alias_is_shadowed() {
        let (value, r) = resolve(
            &[
                ("LETTA_DISABLE_TRACING", "false"),
                ("letta_telemetry_disable_tracing", "true"),
            ],
            |r| r.boolean(Field::DisableTracing, None),
        );
        assert_eq!(value, Some(true));
        assert_eq!(
            r.sources,
            [(
                Field::DisableTracing,
                Source::Environment {
                    variable: "letta_telemetry_disable_tracing".into()
                }
            )]
        );
        assert!(matches!(
            &r.warnings[..],
            [SettingWarning::Shadowed { variable, .. }] if variable == "LETTA_DISABLE_TRACING"
        ));
    }

    #[test]
    fn aliases_that_agree_are_not_warned_about() {
        let (_, r) = resolve(
            &[
                ("LETTA_DISABLE_TRACING", "1"),
                ("LETTA_TELEMETRY_DISABLE_TRACING", "true"),
            ],
            |r| r.boolean(Field::DisableTracing, None),
        );
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn code_wins_and_is_recorded_as_code() {
        let (value, r) = resolve(&[("LETTA_TELEMETRY_DATADOG_AGENT_HOST", "env")], |r| {
            r.string(Field::DatadogAgentHost, Some("code".into()))
        });
        assert_eq!(value.as_deref(), Some("code"));
        assert_eq!(r.sources, [(Field::DatadogAgentHost, Source::Code)]);
    }

    #[test]
    fn an_invalid_value_is_a_problem_naming_the_variable_and_the_form() {
        let (value, r) = resolve(&[("OTEL_EXPORTER_OTLP_TIMEOUT", "2s")], |r| {
            r.duration(Field::OtlpTimeout, None)
        });
        assert_eq!(value, None);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].variable, "OTEL_EXPORTER_OTLP_TIMEOUT");
        assert!(r.sources.is_empty());
    }

    #[test]
    fn a_zero_from_code_names_the_builder_method() {
        let (value, r) = resolve(&[], |r| r.count(Field::MaxQueueSpans, Some(0)));
        assert_eq!(value, None);
        assert!(
            r.problems[0].variable.contains("with_max_queue_spans"),
            "{:?}",
            r.problems
        );
    }
}
