//! Kommo's "integration disabled" hook: the account's tokens are deleted.
//!
//! Kommo calls the hook URL registered with the integration as
//! `GET <hook>?account_id=…&client_uuid=…&signature=…`, where `signature` is the hex
//! HMAC-SHA256 of `client_uuid|account_id` keyed with the client secret.

use crate::app::App;
use crate::problem::Problem;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use hmac::{Hmac, Mac};
use relay_contract::Reason;
use serde::Deserialize;
use sha2::Sha256;
use std::sync::Arc;

/// What Kommo sends to the disabled hook.
#[derive(Debug, Deserialize)]
pub struct Disabled {
    account_id: Option<String>,
    client_uuid: Option<String>,
    signature: Option<String>,
}

/// Deletes the account's installation and tokens when the hook is Kommo's; 204 either way
/// it was there, 403 when the signature is not.
pub async fn disabled(
    State(app): State<Arc<App>>,
    query: Result<Query<Disabled>, QueryRejection>,
) -> Result<StatusCode, Problem> {
    let Query(q) = query.map_err(|_| Problem::bad_query("The hook's query cannot be read"))?;
    let (Some(account), Some(client_uuid), Some(signature)) =
        (q.account_id, q.client_uuid, q.signature)
    else {
        return Err(Problem::hook_incomplete(
            "The hook needs account_id, client_uuid and signature",
        ));
    };
    let account_id: i64 = account
        .parse()
        .map_err(|_| Problem::hook_incomplete("account_id is not a number"))?;
    if client_uuid != app.config.client_id {
        return Err(Problem::client_mismatch(StatusCode::FORBIDDEN));
    }
    if !signed(
        app.config.client_secret.expose(),
        &client_uuid,
        &account,
        &signature,
    ) {
        return Err(Problem::forbidden(
            Reason::Signature,
            "The hook is not signed with this integration's secret",
        ));
    }
    let forgotten = app
        .store
        .forget(account_id)
        .await
        .map_err(|_| Problem::storage_failed())?;
    if forgotten {
        crate::log::account(account_id, "integration disabled: tokens deleted");
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Whether `signature` is the hex HMAC-SHA256 of `client_uuid|account_id` under `secret`.
pub fn signed(secret: &str, client_uuid: &str, account_id: &str, signature: &str) -> bool {
    let Some(expected) = from_hex(signature) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(format!("{client_uuid}|{account_id}").as_bytes());
    mac.verify_slice(&expected).is_ok()
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, text: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(text.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn only_the_secrets_signature_of_uuid_bar_account_is_accepted() {
        let good = sign("s", "c|42");
        assert!(signed("s", "c", "42", &good));
        assert!(signed("s", "c", "42", &good.to_uppercase()));
        assert!(!signed("other", "c", "42", &good));
        assert!(!signed("s", "c", "43", &good));
        assert!(!signed("s", "c", "42", &sign("s", "42|c")));
        assert!(!signed("s", "c", "42", &good[..62]));
        assert!(!signed("s", "c", "42", "zz"));
    }
}
