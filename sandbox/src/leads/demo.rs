//! The demo leads: made with the demo sources, the same ones on every start (a small LCG
//! seeded by each source's id), dated in the three weeks before the store was made.

use super::model::{Lead, LeadSource};
use crate::model::{pipeline, Source, MAIN_PIPELINE_ID, SECOND_PIPELINE_ID, USERS};

/// How far back the demo leads go.
pub const DEMO_DAYS: u64 = 21;

/// One demo source's leads: how many, and how many of them someone moved by hand to another
/// pipeline since (a lead keeps its source when it is moved; that is what the widget's traffic
/// report must show).
struct Plan {
    external_id: &'static str,
    leads: usize,
    moved: Option<(u64, usize)>,
}

/// Per demo source (by external_id); `ig-direct` has none at all. Sources not named here get none.
const PLANS: [Plan; 6] = [
    Plan {
        external_id: "site-chat",
        leads: 24,
        moved: None,
    },
    Plan {
        external_id: "wa-sales",
        leads: 20,
        moved: Some((SECOND_PIPELINE_ID, 3)),
    },
    Plan {
        external_id: "partner-ref",
        leads: 12,
        moved: Some((MAIN_PIPELINE_ID, 4)),
    },
    Plan {
        external_id: "ig-direct",
        leads: 0,
        moved: None,
    },
    Plan {
        external_id: "expo-2024",
        leads: 8,
        moved: None,
    },
    Plan {
        external_id: "calls",
        leads: 10,
        moved: None,
    },
];

/// Leads typed in by hand, with no source, in the main pipeline.
const WITHOUT_SOURCE: usize = 6;

const COMPANIES: [&str; 10] = [
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Retail",
    "Hooli",
    "Stark Supplies",
    "Wayne Logistics",
    "Vandelay Imports",
    "Soylent Foods",
    "Tyrell Farms",
];

const TOPICS: [&str; 6] = [
    "bulk order",
    "price request",
    "demo request",
    "renewal",
    "partnership",
    "support plan",
];

/// Knuth's MMIX LCG: deterministic and good enough to spread demo data.
struct Lcg(u64);

impl Lcg {
    fn new(seed: u64) -> Lcg {
        let mut g = Lcg(seed);
        g.next();
        g
    }

    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One lead in `pipeline_id`, at a stage, time, price and user drawn from `rng`.
fn lead(rng: &mut Lcg, pipeline_id: u64, source: Option<&Source>, now: u64) -> Lead {
    let span = DEMO_DAYS * 86400;
    // From three weeks ago to a minute ago.
    let created_at = now - 60 - rng.below(span - 60);
    let updated_at = created_at + rng.below((now - created_at).min(3 * 86400) + 1);
    let statuses = pipeline(pipeline_id).map_or(&[][..], |p| p.statuses);
    let stage = rng.below(statuses.len().max(1) as u64) as usize;
    let status_id = pipeline(pipeline_id).map_or(0, |p| p.status_id(stage));
    let name = format!(
        "{}: {}",
        COMPANIES[rng.below(COMPANIES.len() as u64) as usize],
        TOPICS[rng.below(TOPICS.len() as u64) as usize]
    );
    Lead {
        id: 0,
        name,
        price: rng.below(100) * 50,
        pipeline_id,
        status_id,
        created_at,
        updated_at,
        responsible_user_id: USERS[rng.below(USERS.len() as u64) as usize].id,
        source: source.map(|s| LeadSource {
            id: s.id,
            name: s.name.clone(),
        }),
    }
}

/// The demo leads of an integration's demo sources (with their ids), oldest first, so that
/// ids grow with time as Kommo's do. No demo sources, no demo leads.
pub fn leads(sources: &[Source], now: u64) -> Vec<Lead> {
    let Some(first) = sources.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for source in sources {
        let Some(plan) = PLANS.iter().find(|p| p.external_id == source.external_id) else {
            continue;
        };
        let mut rng = Lcg::new(source.id);
        let (moved_to, moved) = plan.moved.unwrap_or((source.pipeline_id, 0));
        for i in 0..plan.leads {
            let pipeline_id = if i < moved {
                moved_to
            } else {
                source.pipeline_id
            };
            out.push(lead(&mut rng, pipeline_id, Some(source), now));
        }
    }
    let mut rng = Lcg::new(first.id ^ 0x5eed);
    for i in 0..WITHOUT_SOURCE {
        let mut l = lead(&mut rng, MAIN_PIPELINE_ID, None, now);
        if i == 0 {
            // Markup and quotes in a name, as real leads have, for every page that shows it.
            l.name = "Müller & Söhne <GmbH>: \"urgent\" order".into();
        }
        out.push(l);
    }
    out.sort_by_key(|l| l.created_at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::demo_sources;

    fn sources() -> Vec<Source> {
        let mut s = demo_sources();
        for (i, s) in s.iter_mut().enumerate() {
            s.id = 100 + i as u64 * 4;
        }
        s
    }

    #[test]
    fn the_same_on_every_start_and_within_three_weeks() {
        let now = 1_750_000_000;
        let a = leads(&sources(), now);
        assert_eq!(a, leads(&sources(), now));
        assert_eq!(a.len(), 80);
        assert!(a
            .iter()
            .all(|l| l.created_at < now && l.created_at >= now - DEMO_DAYS * 86400));
        assert!(a
            .iter()
            .all(|l| l.updated_at >= l.created_at && l.updated_at <= now));
        assert!(a.windows(2).all(|w| w[0].created_at <= w[1].created_at));
        for l in &a {
            assert!(pipeline(l.pipeline_id).unwrap().has_status(l.status_id));
        }
        assert!(leads(&[], now).is_empty());
    }

    #[test]
    fn some_moved_some_without_source_and_one_source_with_none() {
        let sources = sources();
        let a = leads(&sources, 1_750_000_000);
        let of = |ext: &str| {
            let s = sources.iter().find(|s| s.external_id == ext).unwrap();
            let mine: Vec<&Lead> = a
                .iter()
                .filter(|l| l.source.as_ref().is_some_and(|x| x.id == s.id))
                .collect();
            let moved = mine
                .iter()
                .filter(|l| l.pipeline_id != s.pipeline_id)
                .count();
            (mine.len(), moved)
        };
        assert_eq!(of("wa-sales"), (20, 3));
        assert_eq!(of("partner-ref"), (12, 4));
        assert_eq!(of("site-chat"), (24, 0));
        assert_eq!(of("ig-direct"), (0, 0));
        assert_eq!(
            a.iter().filter(|l| l.source.is_none()).count(),
            WITHOUT_SOURCE
        );
    }
}
