//! HTTP calls to the loopback servers the tasks start (sandbox, relay): plain HTTP, any status
//! handed back as an answer.

use std::time::Duration;

use crate::cmd::Result;

/// An HTTP client that keeps its connection and hands every status back as an answer.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// `GET url` with `headers`; the status and the body.
pub fn get(agent: &ureq::Agent, url: &str, headers: &[(&str, &str)]) -> Result<(u16, String)> {
    let mut req = agent.get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    answer(req.call(), "GET", url)
}

/// `POST url` without a body; the status and the body.
pub fn post(agent: &ureq::Agent, url: &str) -> Result<(u16, String)> {
    answer(agent.post(url).send_empty(), "POST", url)
}

/// `POST url` with `headers` and `body`; the status and the body.
pub fn post_body(
    agent: &ureq::Agent,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<(u16, String)> {
    let mut req = agent.post(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    answer(req.send(body), "POST", url)
}

/// `DELETE url`; the status.
pub fn delete(agent: &ureq::Agent, url: &str) -> Result<u16> {
    let resp = agent
        .delete(url)
        .call()
        .map_err(|e| format!("DELETE {url}: {e}"))?;
    Ok(resp.status().as_u16())
}

/// The status and the whole body of a response, or the failure naming the request.
fn answer(
    sent: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    method: &str,
    url: &str,
) -> Result<(u16, String)> {
    let mut resp = sent.map_err(|e| format!("{method} {url}: {e}"))?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("{method} {url}: {e}"))?;
    Ok((status, body))
}
