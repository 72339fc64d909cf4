//! The loads of the relay benchmark: each bounded in calls and in time, each returning its
//! figures as JSON.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use super::procs::{CLIENT_ID, DIRECT_TOKEN, SECRET};
use crate::cmd::Result;
use crate::http::{agent, get};

/// The route measured: the widget's first call, answered from an empty store.
const ROUTE: &str = "/api/v4/sources";
/// The sandbox's administrator.
const ADMIN: i64 = 1;
/// Longest wait for one answer.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// One account as an X-Auth-Token names it.
#[derive(Clone)]
pub struct Account {
    /// Its address: the token's `iss`.
    pub base: String,
    /// Kommo's account id.
    pub id: i64,
    /// Its subdomain.
    pub subdomain: String,
}

/// Claims as Kommo signs them into X-Auth-Token for an admin of `account`, for the relay whose
/// Redirect URI has the origin `aud`; valid from now for 15 minutes.
fn claims(account: &Account, aud: &str) -> Value {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    json!({
        "iss": account.base, "aud": aud,
        "jti": format!("bench-{}-{now}-{}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed)),
        "iat": now, "nbf": now, "exp": now + 900,
        "account_id": account.id, "user_id": ADMIN, "subdomain": account.subdomain,
        "client_uuid": CLIENT_ID,
    })
}

/// An X-Auth-Token signed HS256 with `key` (the client secret, or a forger's guess).
pub fn token(account: &Account, aud: &str, key: &[u8]) -> Result<String> {
    let fail = |e: jsonwebtoken::errors::Error| format!("cannot sign an X-Auth-Token: {e}");
    let key = EncodingKey::from_secret(key).map_err(fail)?;
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims(account, aud), &key).map_err(fail)
}

/// The sandbox's account, read as an integration reads it.
pub fn account(sandbox: &str) -> Result<Account> {
    let auth = format!("Bearer {DIRECT_TOKEN}");
    let (status, body) = get(
        &agent(CALL_TIMEOUT),
        &format!("{sandbox}/api/v4/account"),
        &[("Authorization", &auth)],
    )?;
    let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    match (status, v["id"].as_i64(), v["subdomain"].as_str()) {
        (200, Some(id), Some(sub)) => Ok(Account {
            base: sandbox.to_owned(),
            id,
            subdomain: sub.to_owned(),
        }),
        _ => Err(format!("GET /api/v4/account answered {status}: {body}")),
    }
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// `runs` sequential `GET /api/v4/sources` straight to the sandbox and as many through the
/// relay, interleaved so that both see the same moments of a shared machine.
pub fn overhead(sandbox: &str, relay: &str, account: &Account, runs: usize) -> Result<Value> {
    const WARM_UP: usize = 20;
    let deadline = Instant::now() + Duration::from_secs(180);
    let (direct_agent, relay_agent) = (agent(CALL_TIMEOUT), agent(CALL_TIMEOUT));
    let bearer = format!("Bearer {DIRECT_TOKEN}");
    let direct_url = format!("{sandbox}{ROUTE}");
    let relay_url = format!("{relay}{ROUTE}");
    let direct = || -> Result<f64> {
        let t = Instant::now();
        let (status, body) = get(&direct_agent, &direct_url, &[("Authorization", &bearer)])?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        // An empty list is 204, as Kommo answers it.
        (200..300)
            .contains(&status)
            .then_some(ms)
            .ok_or_else(|| format!("the sandbox answered {status}: {body}"))
    };
    let through = || -> Result<f64> {
        // Minted before the clock starts: the widget's token comes with the call.
        let tok = token(account, relay, SECRET.as_bytes())?;
        let t = Instant::now();
        let (status, body) = get(&relay_agent, &relay_url, &[("X-Auth-Token", &tok)])?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        (200..300)
            .contains(&status)
            .then_some(ms)
            .ok_or_else(|| format!("the relay answered {status}: {body}"))
    };
    // Connections opened, the admin answer cached (a minute), the database's pages read.
    for _ in 0..WARM_UP {
        direct()?;
        through()?;
    }
    let (mut d, mut r) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for i in 0..runs {
        if Instant::now() > deadline {
            break;
        }
        if i % 2 == 0 {
            d.push(direct()?);
            r.push(through()?);
        } else {
            r.push(through()?);
            d.push(direct()?);
        }
    }
    d.sort_by(f64::total_cmp);
    r.sort_by(f64::total_cmp);
    let at = |s: &[f64], p| round3(percentile(s, p));
    Ok(json!({
        "calls": d.len(),
        "direct_ms": {"p50": at(&d, 50.0), "p99": at(&d, 99.0)},
        "relay_ms": {"p50": at(&r, 50.0), "p99": at(&r, 99.0)},
        "overhead_ms": {
            "p50": round3(percentile(&r, 50.0) - percentile(&d, 50.0)),
            "p99": round3(percentile(&r, 99.0) - percentile(&d, 99.0)),
        },
    }))
}

/// `in_flight` clients sending tokens signed with a wrong key for `secs` seconds (at most
/// `max_calls` calls in all); the 401s per second.
pub fn refusals(
    relay: &str,
    account: &Account,
    in_flight: usize,
    secs: u64,
    max_calls: u64,
) -> Result<Value> {
    // Distinct tokens made in advance, so the clients spend their time sending. A forged
    // token is refused on its signature, before its id is looked at, so cycling them is fair.
    let forged: Vec<String> = (0..2000)
        .map(|_| token(account, relay, b"not-the-client-secret"))
        .collect::<Result<_>>()?;
    let forged = Arc::new(forged);
    let url = format!("{relay}{ROUTE}");
    let sent = Arc::new(AtomicU64::new(0));
    let start = Arc::new(Barrier::new(in_flight + 1));
    let workers: Vec<_> = (0..in_flight)
        .map(|w| {
            let (forged, url, sent, start) =
                (forged.clone(), url.clone(), sent.clone(), start.clone());
            std::thread::spawn(move || {
                let agent = agent(CALL_TIMEOUT);
                let mut tally: BTreeMap<String, u64> = BTreeMap::new();
                start.wait();
                let until = Instant::now() + Duration::from_secs(secs);
                let mut i = w;
                while Instant::now() < until && sent.fetch_add(1, Ordering::Relaxed) < max_calls {
                    let tok = &forged[i % forged.len()];
                    i += in_flight;
                    let key = match get(&agent, &url, &[("X-Auth-Token", tok)]) {
                        Ok((status, _)) => status.to_string(),
                        Err(_) => "error".to_owned(),
                    };
                    *tally.entry(key).or_insert(0) += 1;
                }
                tally
            })
        })
        .collect();
    start.wait();
    let began = Instant::now();
    let mut tally: BTreeMap<String, u64> = BTreeMap::new();
    for w in workers {
        let part = w
            .join()
            .map_err(|_| "a refusal client panicked".to_owned())?;
        for (k, n) in part {
            *tally.entry(k).or_insert(0) += n;
        }
    }
    let elapsed = began.elapsed().as_secs_f64();
    let refused = tally.get("401").copied().unwrap_or(0);
    Ok(json!({
        "in_flight": in_flight,
        "seconds": round3(elapsed),
        "refused": refused,
        "answers": tally,
        "per_second": (refused as f64 / elapsed).round(),
    }))
}

/// `calls` calls at once for one account, each with its own fresh token; when they were all
/// answered and how.
pub fn burst(relay: &str, account: &Account, calls: usize) -> Result<Value> {
    let url = format!("{relay}{ROUTE}");
    let start = Arc::new(Barrier::new(calls + 1));
    let workers: Vec<_> = (0..calls)
        .map(|_| {
            let tok = token(account, relay, SECRET.as_bytes());
            let (url, start) = (url.clone(), start.clone());
            std::thread::spawn(move || {
                let tok = tok?;
                let agent = agent(CALL_TIMEOUT);
                start.wait();
                let answer = get(&agent, &url, &[("X-Auth-Token", &tok)]);
                answer.map(|(status, body)| (status, body, Instant::now()))
            })
        })
        .collect();
    let began = Instant::now();
    start.wait();
    let (mut ok, mut paced, mut upstream_429, mut other) = (0, 0, 0, BTreeMap::new());
    let mut last = Duration::ZERO;
    let mut upstream_bodies = Vec::new();
    for w in workers {
        let (status, body, at) = w
            .join()
            .map_err(|_| "a burst client panicked".to_owned())??;
        last = last.max(at - began);
        let reason = serde_json::from_str::<Value>(&body).unwrap_or(Value::Null)["reason"].clone();
        match status {
            200..=299 => ok += 1,
            // The relay's own refusal when the account's line is full.
            429 if reason == "rate_limited" => paced += 1,
            // Anything else with 429 came from Kommo through the relay.
            429 => {
                upstream_429 += 1;
                upstream_bodies.push(body.chars().take(300).collect::<String>());
            }
            s => *other.entry(s.to_string()).or_insert(0u64) += 1,
        }
    }
    Ok(json!({
        "calls": calls,
        "all_answered_ms": round3(last.as_secs_f64() * 1000.0),
        "ok": ok,
        "relay_429": paced,
        "kommo_429_passed_on": upstream_429,
        "kommo_429_bodies": upstream_bodies,
        "other": other,
    }))
}

/// A few calls for each of `accounts` (rows the relay must open to serve them); the answers
/// by status.
pub fn calls_for(relay: &str, accounts: &[Account], each: usize) -> Result<Value> {
    let agent = agent(CALL_TIMEOUT);
    let url = format!("{relay}{ROUTE}");
    let mut tally: BTreeMap<String, u64> = BTreeMap::new();
    for account in accounts {
        for _ in 0..each {
            let tok = token(account, relay, SECRET.as_bytes())?;
            let (status, _) = get(&agent, &url, &[("X-Auth-Token", &tok)])?;
            *tally.entry(status.to_string()).or_insert(0) += 1;
        }
    }
    Ok(json!(tally))
}
