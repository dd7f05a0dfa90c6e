//! The telemetry variants the benchmark compares, and the routes it drives.

use std::fmt;
use std::str::FromStr;

/// Which telemetry the server under test runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// No HTTP layer and no `init`: the router alone.
    Bare,
    /// `letta-telemetry` with `OTEL_SDK_DISABLED=true`.
    Off,
    /// `off`, every request carrying the same unsampled `traceparent` as
    /// `unsampled-parent`: that row's baseline, so that the cost of the
    /// server reading one more header is not counted as telemetry.
    OffParent,
    /// `traceidratio` 0.01 (the 1 % kept go to files).
    Ratio,
    /// The default parent-based sampler, every request carrying an
    /// unsampled `traceparent`.
    UnsampledParent,
    /// Every request sampled, to the local files (the default).
    Files,
    /// Every request sampled, OTLP gRPC to rotel.
    Grpc,
    /// Every request sampled, OTLP HTTP/protobuf to rotel.
    Http,
    /// The peer baseline: the OpenTelemetry tower layer and the SDK's batch
    /// processor with the OTLP gRPC exporter, to rotel.
    PeerGrpc,
    /// The peer baseline with the SDK's `traceidratio` 0.01 sampler (from
    /// the same `OTEL_TRACES_SAMPLER` variables): what sampling out costs
    /// when instrumented the usual way, beside `ratio-0.01`.
    PeerRatio,
}

impl Variant {
    /// Every variant, in table order.
    pub const ALL: [Variant; 10] = [
        Variant::Bare,
        Variant::Off,
        Variant::OffParent,
        Variant::Ratio,
        Variant::UnsampledParent,
        Variant::Files,
        Variant::Grpc,
        Variant::Http,
        Variant::PeerGrpc,
        Variant::PeerRatio,
    ];

    /// Its name on the command line and in the table.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Bare => "bare",
            Variant::Off => "off",
            Variant::OffParent => "off-parent",
            Variant::Ratio => "ratio-0.01",
            Variant::UnsampledParent => "unsampled-parent",
            Variant::Files => "files",
            Variant::Grpc => "grpc",
            Variant::Http => "http",
            Variant::PeerGrpc => "peer-grpc",
            Variant::PeerRatio => "peer-ratio-0.01",
        }
    }

    /// How the server process sets telemetry up.
    pub fn telemetry(self) -> Telemetry {
        match self {
            Variant::Bare => Telemetry::None,
            Variant::PeerGrpc | Variant::PeerRatio => Telemetry::Peer,
            _ => Telemetry::Letta,
        }
    }

    /// Whether the variant exports to rotel.
    pub fn needs_collector(self) -> bool {
        matches!(
            self,
            Variant::Grpc | Variant::Http | Variant::PeerGrpc | Variant::PeerRatio
        )
    }

    /// The environment of the server process, given rotel's gRPC and HTTP
    /// endpoints (`http://127.0.0.1:<port>`).
    pub fn env(self, grpc: &str, http: &str) -> Vec<(&'static str, String)> {
        let mut env = vec![("OTEL_SERVICE_NAME", "letta-load".to_owned())];
        match self {
            Variant::Bare | Variant::UnsampledParent | Variant::Files => {}
            Variant::Off | Variant::OffParent => {
                env.push(("OTEL_SDK_DISABLED", "true".to_owned()));
            }
            Variant::Ratio => push_ratio(&mut env),
            Variant::PeerRatio => {
                push_ratio(&mut env);
                env.push(("OTEL_EXPORTER_OTLP_ENDPOINT", grpc.to_owned()));
                env.push(("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()));
            }
            Variant::Grpc | Variant::PeerGrpc => {
                env.push(("OTEL_EXPORTER_OTLP_ENDPOINT", grpc.to_owned()));
                env.push(("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()));
            }
            Variant::Http => {
                env.push(("OTEL_EXPORTER_OTLP_ENDPOINT", http.to_owned()));
                env.push(("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".to_owned()));
            }
        }
        env
    }

    /// The `traceparent` the load generator sends, if any.
    pub fn traceparent(self) -> Option<&'static str> {
        match self {
            Variant::UnsampledParent | Variant::OffParent => {
                Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
            }
            _ => None,
        }
    }

    /// The variant this one's added cost is measured against: the same
    /// requests with telemetry off (`off-parent` for `unsampled-parent`,
    /// else `off`).
    pub fn baseline(self) -> Variant {
        match self {
            Variant::UnsampledParent | Variant::OffParent => Variant::OffParent,
            _ => Variant::Off,
        }
    }
}

/// The sampler of the `ratio` rows: `traceidratio` 0.01, as a root.
fn push_ratio(env: &mut Vec<(&'static str, String)>) {
    env.push(("OTEL_TRACES_SAMPLER", "traceidratio".to_owned()));
    env.push(("OTEL_TRACES_SAMPLER_ARG", "0.01".to_owned()));
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Variant {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Variant::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown variant {s:?}; expected one of {}",
                    names(&Variant::ALL)
                )
            })
    }
}

/// How a server process installs its telemetry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Telemetry {
    /// None at all: the bare router.
    None,
    /// `letta_telemetry::init` from the environment and its HTTP layer.
    Letta,
    /// The peer baseline.
    Peer,
}

impl Telemetry {
    /// Its command-line value.
    pub fn arg(self) -> &'static str {
        match self {
            Telemetry::None => "none",
            Telemetry::Letta => "letta",
            Telemetry::Peer => "peer",
        }
    }
}

/// A route the load generator drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `GET /v1/agents/{agent_id}`: the cheapest read.
    Read,
    /// `POST /v1/agents/{agent_id}/messages`: a step with a tool call.
    Message,
    /// `POST /v1/agents/{agent_id}/messages/stream`: the same step as SSE.
    Sse,
}

impl Route {
    /// Every route, in table order.
    pub const ALL: [Route; 3] = [Route::Read, Route::Message, Route::Sse];

    /// Its name on the command line and in the table.
    pub fn name(self) -> &'static str {
        match self {
            Route::Read => "read",
            Route::Message => "message",
            Route::Sse => "sse",
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Route {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Route::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown route {s:?}; expected one of {}",
                    names(&Route::ALL)
                )
            })
    }
}

/// `a, b, c` of the names of `items`.
fn names<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_the_choices() {
        for v in Variant::ALL {
            assert_eq!(v.name().parse::<Variant>(), Ok(v));
        }
        for r in Route::ALL {
            assert_eq!(r.name().parse::<Route>(), Ok(r));
        }
        let error = "fast".parse::<Variant>().expect_err("unknown");
        assert!(error.contains("peer-grpc"), "{error}");
    }

    #[test]
    fn exporting_variants_point_at_the_collector_with_their_protocol() {
        let env = Variant::Http.env("http://g", "http://h");
        assert!(env.contains(&("OTEL_EXPORTER_OTLP_ENDPOINT", "http://h".to_owned())));
        assert!(env.contains(&("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".to_owned())));
        let env = Variant::Off.env("http://g", "http://h");
        assert!(env.contains(&("OTEL_SDK_DISABLED", "true".to_owned())));
        assert!(!Variant::Files.needs_collector());
        // both ratio rows sample the same way; the peer's exports to rotel
        let env = Variant::PeerRatio.env("http://g", "http://h");
        assert!(env.contains(&("OTEL_TRACES_SAMPLER_ARG", "0.01".to_owned())));
        assert!(env.contains(&("OTEL_EXPORTER_OTLP_ENDPOINT", "http://g".to_owned())));
        assert_eq!(Variant::PeerRatio.telemetry(), Telemetry::Peer);
        assert!(Variant::PeerRatio.needs_collector());
    }
}
