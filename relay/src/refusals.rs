//! The relay's named refusals, each a constructor on [`Problem`], so that a reason's status
//! and wording live in one place however many modules send it.

use crate::problem::Problem;
use axum::http::StatusCode;
use relay_contract::Reason;

impl Problem {
    /// 404: the relay does not serve or forward this method and path.
    pub fn not_found() -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            Reason::NotFound,
            "The relay forwards only the Sources API and the pipelines list",
        )
    }

    /// 413: the request body is over the 1 MiB the relay forwards.
    pub fn too_large() -> Problem {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Reason::TooLarge,
            "The request body is larger than 1 MiB",
        )
    }

    /// 403: the account's tokens no longer work; install again.
    pub fn not_connected() -> Problem {
        Problem::forbidden(
            Reason::NotConnected,
            "Kommo no longer accepts this account's tokens (the integration was disabled or \
             access revoked): install the integration again in Kommo (Settings > Integrations)",
        )
    }

    /// 403: the token's account never installed the integration.
    pub fn not_installed() -> Problem {
        Problem::forbidden(
            Reason::NotInstalled,
            "The integration is not installed in this account: install it in Kommo (Settings > Integrations)",
        )
    }

    /// 403: the caller's user is not an administrator of the account.
    pub fn not_admin() -> Problem {
        Problem::forbidden(
            Reason::NotAdmin,
            "Only the account's administrators manage its sources",
        )
    }

    /// 502: Kommo did not say whether the user is an administrator.
    pub fn admin_check_failed() -> Problem {
        Problem::new(
            StatusCode::BAD_GATEWAY,
            Reason::AdminCheckFailed,
            "Kommo did not say whether this user is an administrator; try again",
        )
    }

    /// 503: the relay's database did not answer; worth a retry in a second.
    pub fn storage_failed() -> Problem {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Reason::StorageFailed,
            "The relay's storage did not answer; try again in a moment",
        )
        .retry_after(1)
    }

    /// 503: an install's tokens could not be stored; a page for the administrator, who
    /// installs again rather than retries.
    pub fn install_not_stored() -> Problem {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Reason::StorageFailed,
            "The relay could not store the account's tokens; try again in a moment",
        )
    }

    /// 502: Kommo could not be reached.
    pub fn kommo_unreachable() -> Problem {
        Problem::new(
            StatusCode::BAD_GATEWAY,
            Reason::KommoUnreachable,
            "Kommo did not answer; try again in a moment",
        )
    }

    /// 502: Kommo answered an install's call, but not as expected.
    pub fn kommo_unexpected() -> Problem {
        Problem::new(
            StatusCode::BAD_GATEWAY,
            Reason::KommoUnreachable,
            "Kommo did not answer as expected; try again in a moment",
        )
    }

    /// 429: Kommo itself asks to slow down for `secs` seconds.
    pub fn rate_limited(secs: u64) -> Problem {
        Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            Reason::RateLimited,
            "Kommo asks to slow down; wait a moment",
        )
        .retry_after(secs)
    }

    /// 429: the account's line in this relay is full; its length clears in `secs` seconds.
    pub fn line_full(secs: u64) -> Problem {
        Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            Reason::RateLimited,
            "Too many requests for this account at once: Kommo takes 7 a second; wait a moment",
        )
        .retry_after(secs)
    }

    /// 503: the relay cannot serve yet, for the reason `detail` gives.
    pub fn not_ready(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, Reason::NotReady, detail)
    }

    /// 400: a query string cannot be read.
    pub fn bad_query(detail: &str) -> Problem {
        Problem::bad_request(Reason::BadQuery, detail)
    }

    /// 400: the install callback's `referer` is not an account host.
    pub fn referer_not_allowed() -> Problem {
        Problem::bad_request(
            Reason::RefererNotAllowed,
            "referer is not a Kommo account host (https://<subdomain>.kommo.com, .amocrm.com or .amocrm.ru)",
        )
    }

    /// 400: the administrator declined the install.
    pub fn install_declined() -> Problem {
        Problem::bad_request(
            Reason::InstallDeclined,
            "The account did not grant access; install the integration again to connect it",
        )
    }

    /// 400: the install callback carries no code.
    pub fn code_missing() -> Problem {
        Problem::bad_request(Reason::CodeMissing, "The callback carries no code")
    }

    /// 400: Kommo refused the install's code.
    pub fn code_refused() -> Problem {
        Problem::bad_request(
            Reason::CodeRefused,
            "Kommo refused the code (used or expired): install the integration again",
        )
    }

    /// 400: the disabled hook lacks a field, or its account is not a number.
    pub fn hook_incomplete(detail: &str) -> Problem {
        Problem::bad_request(Reason::HookIncomplete, detail)
    }

    /// 403 (hook) or 401 (token): `client_uuid` names another integration.
    pub fn client_mismatch(status: StatusCode) -> Problem {
        Problem::new(
            status,
            Reason::ClientMismatch,
            "client_uuid is not this integration",
        )
    }
}
