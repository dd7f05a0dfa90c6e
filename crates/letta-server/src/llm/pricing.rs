//! Prices per model, for the `hist_message_cost_usd` metric.

/// USD per million (input, output) tokens for known models; unknown models
/// cost 0.
fn price_per_million(model: &str) -> (f64, f64) {
    match model {
        super::OFFLINE_MODEL => (0.15, 0.60),
        m if m.starts_with("gpt-4o-mini") => (0.15, 0.60),
        m if m.starts_with("gpt-4o") => (2.50, 10.00),
        m if m.starts_with("gpt-4.1-mini") => (0.40, 1.60),
        m if m.starts_with("gpt-4.1") => (2.00, 8.00),
        _ => (0.0, 0.0),
    }
}

/// Cost in USD of a call to `model` with the given token counts.
pub fn cost_usd(model: &str, input_tokens: u64, output_tokens: u64) -> f64 {
    let (input, output) = price_per_million(model);
    (input_tokens as f64 * input + output_tokens as f64 * output) / 1_000_000.0
}
