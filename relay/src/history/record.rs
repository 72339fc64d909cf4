//! What a forwarded Sources API call means for the history: a read leaves the copies of the
//! sources it answered; a change is recorded per source, with the copy from before (the last
//! one seen, or read from Kommo once) and the source as Kommo answered it.

use crate::app::App;
use crate::auth::Caller;
use crate::clock::now_secs;
use crate::problem::Problem;
use crate::store::Seen;
use axum::http::{Method, StatusCode};
use relay_contract::{Action, Change, Fields};
use serde::Deserialize;
use serde_json::Value;

/// The Sources API's collection; one source is under it.
const SOURCES: &str = "/api/v4/sources";

/// A forwarded Sources API call, watched from before it is sent until Kommo's answer.
pub struct Watch {
    kind: Kind,
}

enum Kind {
    /// A read: the sources it answers are the copies seen last.
    Read,
    /// A change to these sources.
    Change {
        action: Action,
        targets: Vec<Target>,
    },
}

/// A source a change names, as the request and the relay's copy know it.
struct Target {
    id: Option<i64>,
    external_id: Option<String>,
    before: Option<Seen>,
}

impl Watch {
    /// What the call is about, before it is forwarded: `None` for a call outside the Sources
    /// API. For a change, each named source's copy from before, read from Kommo (within the
    /// pace) when the relay has not seen that source yet.
    pub async fn start(
        app: &App,
        caller: &Caller,
        method: &Method,
        path_and_query: &str,
        body: &[u8],
    ) -> Result<Option<Watch>, Problem> {
        let path = path_and_query.split('?').next().unwrap_or_default();
        let one = match path.strip_prefix(SOURCES) {
            Some("") => None,
            Some(rest) => match rest.strip_prefix('/').and_then(|id| id.parse().ok()) {
                Some(id) => Some(id),
                None => return Ok(None),
            },
            None => return Ok(None),
        };
        let action = match *method {
            Method::GET => return Ok(Some(Watch { kind: Kind::Read })),
            Method::POST if one.is_none() => Action::Create,
            Method::PATCH => Action::Update,
            Method::DELETE => Action::Delete,
            // Kommo has no POST on one source: nothing can change.
            _ => return Ok(None),
        };
        let mut targets = match one {
            Some(id) => vec![Target {
                id: Some(id),
                external_id: None,
                before: None,
            }],
            None => targets_in(action, body),
        };
        if action != Action::Create {
            for t in &mut targets {
                if let Some(id) = t.id {
                    t.before = before(app, caller, id).await?;
                }
            }
        }
        Ok(Some(Watch {
            kind: Kind::Change { action, targets },
        }))
    }

    /// Once Kommo answered: records the change and keeps the copies the answer holds. A
    /// database that does not answer loses them (logged); the call is answered all the same,
    /// since Kommo has already acted on it.
    pub async fn finish(self, app: &App, caller: &Caller, status: StatusCode, body: &[u8]) {
        let account = caller.installation.account_id;
        let now = now_secs();
        let done = match self.kind {
            Kind::Read if status == StatusCode::OK => {
                app.store.see(account, &sources_in(body), now).await
            }
            Kind::Read => Ok(()),
            Kind::Change { action, targets } => {
                let refused = status.as_u16() >= 400;
                let answered = if refused || action == Action::Delete {
                    Vec::new()
                } else {
                    sources_in(body)
                };
                let entry = |target: Option<&Target>, id, external_id, after| Change {
                    at: now,
                    user_id: caller.user_id,
                    user_name: caller.user_name.clone(),
                    action,
                    source_id: id,
                    external_id,
                    before: target.and_then(|t| t.before.as_ref().map(|b| b.fields.clone())),
                    after,
                    status: status.as_u16(),
                };
                let changes: Vec<Change> = if answered.is_empty() {
                    // Refused, a delete, or an answer that names no source: what was asked.
                    targets
                        .iter()
                        .map(|t| entry(Some(t), t.id, known_external_id(t), None))
                        .collect()
                } else {
                    answered
                        .iter()
                        .map(|(id, seen)| {
                            let t = targets.iter().find(|t| t.id == Some(*id));
                            let ext = seen
                                .external_id
                                .clone()
                                .or_else(|| t.and_then(known_external_id));
                            entry(t, Some(*id), ext, Some(seen.fields.clone()))
                        })
                        .collect()
                };
                let mut done = app.store.record(account, &changes).await;
                if done.is_ok() && !refused {
                    done = if action == Action::Delete {
                        let ids: Vec<i64> = targets.iter().filter_map(|t| t.id).collect();
                        app.store.unsee(account, &ids).await
                    } else {
                        app.store.see(account, &answered, now).await
                    };
                }
                done
            }
        };
        if let Err(e) = done {
            tracing::warn!(account_id = account, "history: not stored: {e}");
        }
    }
}

/// The `external_id` the request or the copy from before gives.
fn known_external_id(t: &Target) -> Option<String> {
    t.external_id
        .clone()
        .or_else(|| t.before.as_ref().and_then(|b| b.external_id.clone()))
}

/// The sources a batch request names: each item's `id` (a create has none yet) and
/// `external_id`. A body that cannot be read names none; Kommo refuses it anyway.
fn targets_in(action: Action, body: &[u8]) -> Vec<Target> {
    let items: Vec<Value> = serde_json::from_slice(body).unwrap_or_default();
    let mut targets: Vec<Target> = Vec::new();
    for item in &items {
        let id = match &item["id"] {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        };
        if action != Action::Create && (id.is_none() || targets.iter().any(|t| t.id == id)) {
            continue;
        }
        targets.push(Target {
            id: id.filter(|_| action != Action::Create),
            external_id: item["external_id"].as_str().map(str::to_owned),
            before: None,
        });
    }
    targets
}

/// The relay's last copy of the source, or else Kommo's, read once and kept as seen.
async fn before(app: &App, caller: &Caller, id: i64) -> Result<Option<Seen>, Problem> {
    let account = caller.installation.account_id;
    let stored = app.store.seen(account, id).await;
    if let Some(seen) = stored.map_err(|_| Problem::storage_failed())? {
        return Ok(Some(seen));
    }
    let path = format!("{SOURCES}/{id}");
    let (answer, _) = app
        .upstream
        .call(&caller.installation, Method::GET, &path, None)
        .await?;
    if answer.status != StatusCode::OK {
        return Ok(None);
    }
    let Some((_, seen)) = source(&serde_json::from_slice(&answer.body).unwrap_or_default()) else {
        return Ok(None);
    };
    let pair = [(id, seen.clone())];
    app.store
        .see(account, &pair, now_secs())
        .await
        .map_err(|_| Problem::storage_failed())?;
    Ok(Some(seen))
}

/// The sources an answer holds: a list's or a batch's `_embedded.sources`, or one source.
fn sources_in(body: &[u8]) -> Vec<(i64, Seen)> {
    let v: Value = serde_json::from_slice(body).unwrap_or_default();
    match v["_embedded"]["sources"].as_array() {
        Some(list) => list.iter().filter_map(source).collect(),
        None => source(&v).into_iter().collect(),
    }
}

/// One source of an answer: its id and its copy.
fn source(v: &Value) -> Option<(i64, Seen)> {
    let id = v["id"].as_i64()?;
    let fields = Fields::deserialize(v).ok()?;
    let external_id = v["external_id"].as_str().map(str::to_owned);
    Some((
        id,
        Seen {
            external_id,
            fields,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_batch_names_each_source_once_and_a_create_by_its_external_id() {
        let body = json!([{"id": 3, "name": "a"}, {"id": "4"}, {"id": 3}, {"name": "no id"}]);
        let ids: Vec<_> = targets_in(Action::Update, body.to_string().as_bytes())
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(ids, [Some(3), Some(4)]);
        let made = targets_in(
            Action::Create,
            json!([{"name": "n", "external_id": "e-1"}])
                .to_string()
                .as_bytes(),
        );
        assert_eq!(made.len(), 1);
        assert_eq!(
            (made[0].id, made[0].external_id.as_deref()),
            (None, Some("e-1"))
        );
        assert!(targets_in(Action::Delete, b"not json").is_empty());
    }

    #[test]
    fn answers_give_their_sources_fields() {
        let one = json!({"id": 9, "name": "Form", "pipeline_id": 5, "external_id": "x",
            "default": true, "origin_code": null, "services": null, "_links": {}});
        let list = json!({"_embedded": {"sources": [one.clone(), {"no": "id"}]}});
        for body in [one, list] {
            let got = sources_in(body.to_string().as_bytes());
            assert_eq!(got.len(), 1, "{body}");
            assert_eq!(got[0].0, 9);
            assert_eq!(got[0].1.external_id.as_deref(), Some("x"));
            assert_eq!(got[0].1.fields.name, "Form");
            assert_eq!(got[0].1.fields.pipeline_id, Some(5));
            assert_eq!(got[0].1.fields.default, Some(true));
        }
        assert!(sources_in(b"").is_empty());
    }
}
