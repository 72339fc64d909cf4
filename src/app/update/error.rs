//! Failed calls: API errors placed on the rows' fields, or shown in a banner with a retry.

use super::*;
use crate::api::RelayRefusal;
use crate::app::check;
use crate::i18n::T;

/// Wait after a 429 that did not say how long.
const DEFAULT_WAIT: u32 = 5;

/// A call failed: say so where it belongs, and keep what a retry needs.
pub(super) fn failed(s: &mut State, job: Job, call: Call, e: ApiError, fx: &mut Vec<Effect>) {
    // A batch delete refused because some source is already gone (another tab, another
    // admin): reload the list so what is shown matches the server again.
    let refused_batch = matches!(job, Job::Delete(_))
        && matches!(e, ApiError::Validation { .. } | ApiError::NotFound)
        && matches!(call, Call::Delete(_));
    if let (true, Call::Delete(ids)) = (refused_batch, &call) {
        reread::check(s, ids, fx);
    }
    // Refused because a source in it is gone (404, or an item error `NotFound`): say that,
    // rather than a bare "not found" or "request failed".
    let gone_in_batch = refused_batch
        && match &e {
            ApiError::NotFound => true,
            ApiError::Validation { items, .. } => items
                .iter()
                .any(|i| i.errors.iter().any(|fe| fe.code == "NotFound")),
            _ => false,
        };
    if gone_in_batch {
        s.banner = error_banner(T::ErrGoneSome, None, false);
        return;
    }
    if job == Job::Sources && s.load == Load::Loading {
        s.load = Load::Failed;
    }
    // The settings modal says whether it is connected from its first list read too.
    if job == Job::Test || (job == Job::Sources && s.mode == Mode::Settings) {
        s.conn = Conn::Failed(in_settings(message(&e)));
    }
    if dead_end(&e) {
        // No retry fixes it: one message, and no change is offered until the page is
        // opened again; the settings modal keeps its test, since the fix is made there.
        s.retry = None;
        if s.mode == Mode::Settings {
            s.banner = None;
        } else {
            s.blocked = Some(message(&e));
            s.banner = error_banner(message(&e), detail(&e), false);
        }
        return;
    }
    if job == Job::Lookup {
        s.lookup_result = None;
    }
    match &e {
        ApiError::Validation { problem, items } => {
            let keys: Vec<RowKey> = match &job {
                Job::Create(k) | Job::Save(k) => k.clone(),
                Job::Default(k) => vec![*k],
                _ => Vec::new(),
            };
            let mut placed = false;
            let mut gone = Vec::new();
            for item in items {
                let k = match item.index {
                    Some(i) => keys.get(i).copied(),
                    None if keys.len() == 1 => keys.first().copied(),
                    None => None,
                };
                let Some(r) = k.and_then(|k| s.row_mut(k)) else {
                    continue;
                };
                for fe in &item.errors {
                    // An item refused as not found in a batch save: changed or deleted
                    // elsewhere, which a read of that source tells.
                    if let (true, RowKey::Saved(id)) = (fe.code == "NotFound", r.key) {
                        gone.push(id);
                        continue;
                    }
                    r.errors.push(FieldError {
                        field: check::field_of_path(&fe.path),
                        msg: T::VServer,
                        detail: Some(fe.detail.clone()).filter(|d| !d.is_empty()),
                    });
                    placed = true;
                }
            }
            reread::check(s, &gone, fx);
            placed |= !gone.is_empty();
            s.banner = error_banner(
                if placed { T::ErrRejected } else { T::ErrHttp },
                problem.detail.clone(),
                false,
            );
            if placed {
                focus_first_error(s, fx);
            }
        }
        ApiError::RateLimited { retry_after } => {
            let secs = retry_after
                .map(|d| d.as_secs() as u32 + u32::from(d.subsec_nanos() > 0))
                .unwrap_or(DEFAULT_WAIT)
                .clamp(1, 600);
            s.timer_gen += 1;
            s.countdown = secs;
            s.banner = error_banner(T::ErrRateLimited, None, false);
            s.retry = Some((job, call));
            fx.push(Effect::After(Timer::Countdown(s.timer_gen), 1000));
        }
        ApiError::NotFound if matches!(call, Call::DeleteOne(_)) => {
            // Already gone: the goal of the delete is reached, but not by this delete.
            if let Call::DeleteOne(id) = call {
                s.rows.retain(|r| r.key != RowKey::Saved(id));
            }
            s.status = Some((T::DeletedElsewhere, 0));
        }
        ApiError::NotFound => match (job, call) {
            (Job::Reread(k), _) => reread::reread(s, k, None),
            // A single save or default change of a source the server does not know: read
            // it again to tell whether it was deleted or changed elsewhere. The retry is
            // kept for the case it still exists.
            (job, Call::UpdateOne(p)) => {
                reread::check(s, &[p.id], fx);
                s.retry = Some((job, Call::UpdateOne(p)));
            }
            (job, call) => {
                s.banner = error_banner(T::ErrNotFound, None, true);
                s.retry = Some((job, call));
            }
        },
        _ => {
            let retry = job != Job::Test;
            s.banner = error_banner(message(&e), detail(&e), retry);
            if retry {
                s.retry = Some(match (job, call) {
                    // The answer was lost or garbled, so the create may have happened: the
                    // retry first asks which of these external ids exist now. (A 5xx is an
                    // answer: the all-or-nothing batch failed and is simply sent again.)
                    (Job::Create(keys), call @ Call::Create(_))
                        if matches!(
                            e,
                            ApiError::Network(_) | ApiError::Timeout | ApiError::Decode(_)
                        ) =>
                    {
                        (Job::Reconcile(keys), Call::Find(external_ids(&call)))
                    }
                    (Job::ImportCreate, call @ Call::Create(_))
                        if matches!(
                            e,
                            ApiError::Network(_) | ApiError::Timeout | ApiError::Decode(_)
                        ) =>
                    {
                        (Job::ImportReconcile, Call::Find(external_ids(&call)))
                    }
                    other => other,
                });
            }
        }
    }
}

/// Whether `e` is one that no retry can fix: the token, the user's rights, the account's
/// payment or its connection to the relay must change first.
pub(super) fn dead_end(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Unauthorized
            | ApiError::PaymentRequired
            | ApiError::Relay(RelayRefusal::NotConnected | RelayRefusal::NotAdmin)
    )
}

/// The settings modal's words for `msg`: the token is entered right there, so it does not
/// send the admin to the settings.
fn in_settings(msg: T) -> T {
    match msg {
        T::ErrUnauthorized => T::ErrUnauthorizedHere,
        other => other,
    }
}

/// The message key for an error.
pub(super) fn message(e: &ApiError) -> T {
    match e {
        ApiError::Validation { .. } => T::ErrRejected,
        ApiError::Unauthorized => T::ErrUnauthorized,
        ApiError::PaymentRequired => T::ErrPayment,
        ApiError::Forbidden => T::ErrForbidden,
        ApiError::NotFound => T::ErrNotFound,
        ApiError::Relay(RelayRefusal::NotConnected) => T::ErrNotConnected,
        ApiError::Relay(RelayRefusal::NotAdmin) => T::ErrNotAdmin,
        ApiError::Relay(RelayRefusal::Token(_)) => T::ErrRelayToken,
        ApiError::RateLimited { .. } => T::ErrRateLimited,
        ApiError::Server { .. } => T::ErrServer,
        ApiError::Http { .. } => T::ErrHttp,
        ApiError::Network(_) => T::ErrNetwork,
        ApiError::Timeout => T::ErrTimeout,
        ApiError::Decode(_) => T::ErrDecode,
    }
}

/// The message key for an error of a read that changes nothing: no "your changes are
/// kept", since there are none.
pub(super) fn read_message(e: &ApiError) -> T {
    match e {
        ApiError::Server { .. } => T::ErrServerRead,
        ApiError::Network(_) => T::ErrNetworkRead,
        ApiError::Timeout => T::ErrTimeoutRead,
        _ => message(e),
    }
}

/// The server's own words worth showing next to the message.
pub(super) fn detail(e: &ApiError) -> Option<String> {
    let (status, detail, trace_id) = match e {
        ApiError::Server {
            status,
            trace_id,
            detail,
        } => (status, detail, trace_id.as_deref()),
        ApiError::Http { status, detail } => (status, detail, None),
        ApiError::Relay(RelayRefusal::Token(reason)) => return Some(reason.clone()),
        _ => return None,
    };
    let mut out = format!("HTTP {status}");
    if let Some(d) = detail {
        out.push_str(": ");
        out.push_str(d);
    }
    if let Some(t) = trace_id {
        out.push_str(" · trace_id ");
        out.push_str(t);
    }
    Some(out)
}

/// An answer that says "done" without what was done: say so, keep every draft, and let the
/// retry resend `retry` (a PATCH is safe to repeat; a create is first reconciled).
pub(super) fn unreadable(s: &mut State, retry: (Job, Call)) {
    s.banner = error_banner(T::ErrDecode, None, true);
    s.retry = Some(retry);
}

/// An error banner.
pub(super) fn error_banner(msg: T, detail: Option<String>, retry: bool) -> Option<Banner> {
    Some(Banner {
        error: true,
        msg,
        detail,
        retry,
    })
}

/// The row error of a source deleted elsewhere.
pub(super) fn gone_error() -> FieldError {
    FieldError {
        field: Field::Row,
        msg: T::ErrGone,
        detail: None,
    }
}
