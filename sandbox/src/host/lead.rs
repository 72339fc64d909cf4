//! `GET /leads/detail/{id}`: a lead's card, as Kommo shows a lead: name, pipeline, stage and
//! source (its current name, or the one it had when the lead was made if it is deleted since).

use super::pages::{escape, fill};
use crate::leads::Lead;
use crate::model::{pipeline, USERS};
use crate::store::Store;

const CARD: &str = include_str!("../../host/lead.html");

/// The card of the lead with this id, every value escaped; `None` when there is no such lead.
pub fn card(store: &Store, id: u64) -> Option<String> {
    let lead = store.lead(id)?;
    let p = pipeline(lead.pipeline_id);
    let source = match &lead.source {
        None => "No source".to_owned(),
        Some(s) => store
            .live_source(s.id)
            .map_or_else(|| s.name.clone(), |live| live.name.clone()),
    };
    let responsible = USERS
        .iter()
        .find(|u| u.id == lead.responsible_user_id)
        .map_or_else(
            || lead.responsible_user_id.to_string(),
            |u| u.name.to_owned(),
        );
    let values = [
        ("id", lead.id.to_string()),
        ("name", lead.name.clone()),
        (
            "pipeline",
            p.map_or_else(|| lead.pipeline_id.to_string(), |p| p.name.to_owned()),
        ),
        (
            "stage",
            p.and_then(|p| p.status_name(lead.status_id))
                .map_or_else(|| lead.status_id.to_string(), str::to_owned),
        ),
        ("source", source),
        ("price", format!("${}", lead.price)),
        ("responsible", responsible),
        ("created", utc_date(lead)),
    ]
    .map(|(k, v)| (k, escape(&v)));
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Some(fill(CARD, &values))
}

/// The lead's creation time as `YYYY-MM-DD HH:MM UTC`, without a date crate.
fn utc_date(lead: &Lead) -> String {
    let secs = lead.created_at;
    let (days, rest) = (secs / 86400, secs % 86400);
    // Howard Hinnant's civil_from_days, for days since 1970-01-01 (never before it here).
    let z = days as i64 + 719468;
    let era = z / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(created_at: u64) -> String {
        utc_date(&Lead {
            id: 1,
            name: String::new(),
            price: 0,
            pipeline_id: 0,
            status_id: 0,
            created_at,
            updated_at: 0,
            responsible_user_id: 1,
            source: None,
        })
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(at(0), "1970-01-01 00:00 UTC");
        assert_eq!(at(951782400), "2000-02-29 00:00 UTC");
        assert_eq!(at(1750000000), "2025-06-15 15:06 UTC");
    }
}
