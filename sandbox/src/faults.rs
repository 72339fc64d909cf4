//! Test controls: injected delays and canned answers, request counters, the rate limiter.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Longest delay that may be injected, in milliseconds.
pub const MAX_DELAY_MS: u64 = 120_000;

/// Which requests a rule applies to.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// HTTP method, case-insensitive; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Exact path, or a prefix when it ends with `*`; when absent, any `/api/` path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Filter {
    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method));
        let path_ok = match self.path.as_deref() {
            None => path.starts_with("/api/"),
            Some(p) => match p.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => p == path,
            },
        };
        method_ok && path_ok
    }
}

/// `POST /__sandbox/delay`: wait before answering matching requests.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DelayRule {
    /// Milliseconds to wait.
    pub ms: u64,
    /// How many matching requests to delay; forever when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Which requests.
    #[serde(flatten)]
    pub filter: Filter,
}

/// `POST /__sandbox/faults`: answer matching requests with this instead of the real answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// How many matching requests to answer this way (default 1).
    #[serde(default = "one")]
    pub count: u64,
    /// How many matching requests to let through first (default 0), for a fault in the
    /// middle of a sequence such as the pages of a list.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub after: u64,
    /// Which requests.
    #[serde(flatten)]
    pub filter: Filter,
    /// Status code (default 500).
    #[serde(default = "server_error")]
    pub status: u16,
    /// Extra response headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// `Content-Type` of the answer; none when absent (or `application/json` with `json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Raw body text (may be empty or not JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// A JSON body, serialised as given (instead of `body`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    /// Close the connection without any answer.
    #[serde(default)]
    pub drop: bool,
    /// Send the status and headers, then cut the connection in the middle of the body.
    #[serde(default)]
    pub truncate: bool,
}

fn one() -> u64 {
    1
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn server_error() -> u16 {
    500
}

/// What the front door does with a request, decided by the active rules.
#[derive(Debug, Default)]
pub struct Decision {
    /// Wait this long first.
    pub delay: Option<Duration>,
    /// Answer with this rule instead of the real handler.
    pub fault: Option<FaultRule>,
}

/// The active delays, faults and counters.
#[derive(Debug, Default)]
pub struct Faults {
    delays: Vec<DelayRule>,
    faults: Vec<FaultRule>,
    counters: BTreeMap<String, u64>,
}

impl Faults {
    /// Adds a delay rule (checked by the caller).
    pub fn add_delay(&mut self, rule: DelayRule) {
        self.delays.push(rule);
    }

    /// Adds a fault rule (checked by the caller).
    pub fn add_fault(&mut self, rule: FaultRule) {
        self.faults.push(rule);
    }

    /// Removes every delay.
    pub fn clear_delays(&mut self) {
        self.delays.clear();
    }

    /// Removes every fault.
    pub fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// Zeroes the counters.
    pub fn clear_counters(&mut self) {
        self.counters.clear();
    }

    /// The counters, keyed like `"POST /api/v4/sources"`.
    pub fn counters(&self) -> &BTreeMap<String, u64> {
        &self.counters
    }

    /// The active rules, for inspection.
    pub fn rules(&self) -> (&[DelayRule], &[FaultRule]) {
        (&self.delays, &self.faults)
    }

    /// Counts a request received on an API route.
    pub fn count(&mut self, method: &str, path: &str) {
        if path.starts_with("/api/") {
            *self
                .counters
                .entry(format!("{method} {}", route_key(path)))
                .or_insert(0) += 1;
        }
    }

    /// Counts a token grant of the OAuth endpoint by its type (`grant authorization_code`).
    pub fn count_grant(&mut self, grant_type: &str) {
        *self
            .counters
            .entry(format!("grant {grant_type}"))
            .or_insert(0) += 1;
    }

    /// Counts a refresh grant refused for its token (`grant refresh_token refused`), so a
    /// test can tell that a client never presented a spent or expired one.
    pub fn count_refused_refresh(&mut self) {
        *self
            .counters
            .entry("grant refresh_token refused".to_owned())
            .or_insert(0) += 1;
    }

    /// Counts an API request and consumes the first matching delay and fault.
    pub fn on_request(&mut self, method: &str, path: &str) -> Decision {
        self.count(method, path);
        let mut decision = Decision::default();
        if let Some(i) = self
            .delays
            .iter()
            .position(|d| d.filter.matches(method, path))
        {
            let d = &mut self.delays[i];
            decision.delay = Some(Duration::from_millis(d.ms));
            if let Some(n) = d.count.as_mut() {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.delays.remove(i);
                }
            }
        }
        if let Some(i) = self
            .faults
            .iter()
            .position(|f| f.filter.matches(method, path))
        {
            let f = &mut self.faults[i];
            if f.after > 0 {
                f.after -= 1;
            } else {
                f.count = f.count.saturating_sub(1);
                decision.fault = Some(f.clone());
                if f.count == 0 {
                    self.faults.remove(i);
                }
            }
        }
        decision
    }
}

/// The counter key of a path: source, lead, pipeline and status ids become `{id}`.
pub fn route_key(path: &str) -> String {
    match (
        path.strip_prefix("/api/v4/sources/"),
        path.strip_prefix("/api/v4/leads/"),
    ) {
        (Some(rest), _) if !rest.is_empty() && !rest.contains('/') => "/api/v4/sources/{id}".into(),
        // Not `complex` nor `pipelines`: those are routes of their own.
        (_, Some(rest)) if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) => {
            "/api/v4/leads/{id}".into()
        }
        (_, Some(rest)) if rest.starts_with("pipelines/") => rest
            .split('/')
            .map(|part| {
                if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                    "{id}"
                } else {
                    part
                }
            })
            .fold("/api/v4/leads".to_string(), |key, part| key + "/" + part),
        _ => path.to_string(),
    }
}

/// Sliding one-second window of accepted requests per token.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: HashMap<String, VecDeque<Instant>>,
}

impl RateLimiter {
    /// Admits a request, or says how many whole seconds (at least 1) to wait.
    pub fn check(&mut self, key: &str, per_second: u32, now: Instant) -> Result<(), u64> {
        if per_second == 0 {
            return Ok(());
        }
        let window = self.windows.entry(key.to_string()).or_default();
        let second = Duration::from_secs(1);
        slide(window, second, now);
        if window.len() >= per_second as usize {
            let oldest = *window.front().expect("window is full");
            return Err(whole_secs(
                second.saturating_sub(now.duration_since(oldest)),
            ));
        }
        window.push_back(now);
        Ok(())
    }

    /// Forgets every window.
    pub fn clear(&mut self) {
        self.windows.clear();
    }
}

/// Drops the instants at the front of `window` that are `span` or more before `now`.
pub fn slide(window: &mut VecDeque<Instant>, span: Duration, now: Instant) {
    while window
        .front()
        .is_some_and(|t| now.duration_since(*t) >= span)
    {
        window.pop_front();
    }
}

/// `d` in whole seconds, rounded up and at least 1, as `Retry-After` and blocks state waits.
pub fn whole_secs(d: Duration) -> u64 {
    (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_slides() {
        let mut l = RateLimiter::default();
        let t = Instant::now();
        assert!(l.check("a", 2, t).is_ok());
        assert!(l.check("a", 2, t).is_ok());
        assert_eq!(l.check("a", 2, t), Err(1));
        assert!(l.check("b", 2, t).is_ok());
        assert!(l.check("a", 2, t + Duration::from_millis(1000)).is_ok());
        assert!(l.check("a", 0, t).is_ok());
    }

    #[test]
    fn faults_count_down_and_filter() {
        let mut f = Faults::default();
        f.add_fault(FaultRule {
            count: 2,
            after: 0,
            filter: Filter {
                method: Some("post".into()),
                path: Some("/api/v4/sources*".into()),
            },
            status: 503,
            headers: BTreeMap::new(),
            content_type: None,
            body: None,
            json: None,
            drop: false,
            truncate: false,
        });
        assert!(f.on_request("GET", "/api/v4/sources").fault.is_none());
        assert!(f.on_request("POST", "/api/v4/sources/5").fault.is_some());
        assert!(f.on_request("POST", "/api/v4/sources").fault.is_some());
        assert!(f.on_request("POST", "/api/v4/sources").fault.is_none());
        assert_eq!(f.counters()["POST /api/v4/sources"], 2);
        assert_eq!(f.counters()["POST /api/v4/sources/{id}"], 1);
    }
}
