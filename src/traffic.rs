//! Where each source's leads went over a period: how many, in which pipelines and stages,
//! the last one's time, the count per day, and the flags an admin acts on.
//!
//! Pure: the leads come in as read from `GET /api/v4/leads?with=source_id,source`, the time as a
//! number, so the report tests natively.

use crate::lead::Lead;
use crate::model::Source;
use crate::rules::same_external_id;

/// Seconds in a day.
pub const DAY: i64 = 86_400;
/// Most recent leads listed for one source.
pub const LATEST: usize = 10;

/// The period the report covers, ending now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// The last 7 days.
    Week,
    /// The last 30 days; the widget reads this much and shows either period from it.
    Month,
}

impl Period {
    /// Its length in days.
    pub fn days(self) -> u32 {
        match self {
            Period::Week => 7,
            Period::Month => 30,
        }
    }

    /// The first second it covers, for a report made at `now`.
    pub fn start(self, now: i64) -> i64 {
        now - i64::from(self.days()) * DAY
    }
}

/// How many of a source's leads are in one pipeline and stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The pipeline.
    pub pipeline_id: u64,
    /// The stage.
    pub status_id: u64,
    /// Leads there.
    pub count: usize,
}

/// One source's leads in the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceTraffic {
    /// The source's id.
    pub source_id: u64,
    /// Leads created from it.
    pub count: usize,
    /// How many of them are in another pipeline than the source's.
    pub outside: usize,
    /// When the newest was created.
    pub last_at: Option<i64>,
    /// Where they are, most leads first.
    pub places: Vec<Place>,
    /// Leads per day, oldest day first; the last entry is the 24 hours up to now.
    pub daily: Vec<u32>,
    /// The newest leads, newest first, at most [`LATEST`].
    pub latest: Vec<Lead>,
}

impl SourceTraffic {
    /// Some of its leads landed outside the source's pipeline.
    pub fn wrong_pipeline(&self) -> bool {
        self.outside > 0
    }

    /// No lead came from it in the period.
    pub fn silent(&self) -> bool {
        self.count == 0
    }
}

/// The report over all of the integration's sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The period.
    pub period: Period,
    /// One entry per source, in the order the sources were given.
    pub sources: Vec<SourceTraffic>,
    /// Leads per day over every source, oldest day first.
    pub daily: Vec<u32>,
    /// Leads in the period that came from none of these sources (other integrations,
    /// forms, manual entry).
    pub others: usize,
}

impl Report {
    /// The entry of source `id`.
    pub fn of(&self, id: u64) -> Option<&SourceTraffic> {
        self.sources.iter().find(|t| t.source_id == id)
    }
}

/// Whether `lead` came from `source`: by id, or by external_id when the answer gave that.
pub fn from_source(lead: &Lead, source: &Source) -> bool {
    lead.source.as_ref().is_some_and(|ls| {
        (ls.id != 0 && ls.id == source.id)
            || ls
                .external_id
                .as_deref()
                .is_some_and(|e| same_external_id(e, &source.external_id))
    })
}

/// The day slot of `created_at` in a chart of `days` days ending at `now` (oldest first);
/// `None` outside it. A time slightly ahead of `now` (another clock) counts as today.
fn day_slot(created_at: i64, now: i64, days: u32) -> Option<usize> {
    let back = (now - created_at).max(0) / DAY;
    let days = i64::from(days);
    (back < days).then(|| (days - 1 - back) as usize)
}

/// The report of `leads` (each read once) for `sources` over `period`, made at `now`.
pub fn report(sources: &[Source], leads: &[Lead], now: i64, period: Period) -> Report {
    let days = period.days();
    let from = period.start(now);
    let mut out = Report {
        period,
        sources: sources
            .iter()
            .map(|s| SourceTraffic {
                source_id: s.id,
                count: 0,
                outside: 0,
                last_at: None,
                places: Vec::new(),
                daily: vec![0; days as usize],
                latest: Vec::new(),
            })
            .collect(),
        daily: vec![0; days as usize],
        others: 0,
    };
    for lead in leads.iter().filter(|l| l.created_at >= from) {
        let slot = day_slot(lead.created_at, now, days);
        if let Some(d) = slot {
            out.daily[d] += 1;
        }
        let Some(i) = sources.iter().position(|s| from_source(lead, s)) else {
            out.others += 1;
            continue;
        };
        let t = &mut out.sources[i];
        t.count += 1;
        t.last_at = Some(
            t.last_at
                .map_or(lead.created_at, |a| a.max(lead.created_at)),
        );
        if lead.pipeline_id != sources[i].pipeline_id {
            t.outside += 1;
        }
        match t
            .places
            .iter_mut()
            .find(|p| p.pipeline_id == lead.pipeline_id && p.status_id == lead.status_id)
        {
            Some(p) => p.count += 1,
            None => t.places.push(Place {
                pipeline_id: lead.pipeline_id,
                status_id: lead.status_id,
                count: 1,
            }),
        }
        if let Some(d) = slot {
            t.daily[d] += 1;
        }
        keep_latest(&mut t.latest, lead);
    }
    for t in &mut out.sources {
        // Stable, so that equal counts keep the order their first lead was seen in.
        crate::sort::stable_by_key(&mut t.places, |p| std::cmp::Reverse(p.count));
    }
    out
}

/// Puts `lead` among the [`LATEST`] newest of `latest` (newest first), in whatever order the
/// leads come: pages read while leads arrive are not strictly ordered.
fn keep_latest(latest: &mut Vec<Lead>, lead: &Lead) {
    let newer = |a: &Lead, b: &Lead| (a.created_at, a.id) > (b.created_at, b.id);
    let at = latest
        .iter()
        .position(|l| newer(lead, l))
        .unwrap_or(latest.len());
    if at < LATEST {
        latest.insert(at, lead.clone());
        latest.truncate(LATEST);
    }
}

/// A time before `now`, said the way a person would: the unit and how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ago {
    /// Less than a minute ago.
    Now,
    /// Minutes ago.
    Minutes(i64),
    /// Hours ago.
    Hours(i64),
    /// Days ago.
    Days(i64),
}

/// How long before `now` the time `t` was.
pub fn ago(now: i64, t: i64) -> Ago {
    let secs = (now - t).max(0);
    match secs {
        0..=59 => Ago::Now,
        60..=3599 => Ago::Minutes(secs / 60),
        3600..=86_399 => Ago::Hours(secs / 3600),
        _ => Ago::Days(secs / DAY),
    }
}

/// `leads` without repeats, keeping the first copy of each id: a page read while new leads
/// arrive can repeat a lead of the page before.
pub fn dedup(leads: Vec<Lead>) -> Vec<Lead> {
    let mut seen = std::collections::BTreeSet::new();
    leads.into_iter().filter(|l| seen.insert(l.id)).collect()
}

/// A source's leads in one pipeline: how many, and in which of its stages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipelinePlaces {
    /// The pipeline.
    pub pipeline_id: u64,
    /// Leads in it.
    pub count: usize,
    /// Its stages that hold them, most leads first.
    pub stages: Vec<Place>,
}

impl SourceTraffic {
    /// Where its leads are, grouped by pipeline: the source's own pipeline (`home`) first,
    /// then the others with the most leads first, so that the ones to look into stand apart.
    pub fn by_pipeline(&self, home: u64) -> Vec<PipelinePlaces> {
        let mut out: Vec<PipelinePlaces> = Vec::new();
        for p in &self.places {
            match out.iter_mut().find(|g| g.pipeline_id == p.pipeline_id) {
                Some(g) => {
                    g.count += p.count;
                    g.stages.push(p.clone());
                }
                None => out.push(PipelinePlaces {
                    pipeline_id: p.pipeline_id,
                    count: p.count,
                    stages: vec![p.clone()],
                }),
            }
        }
        // Stable: equal counts keep the order their first lead was seen in.
        crate::sort::stable_by_key(&mut out, |g| {
            (g.pipeline_id != home, std::cmp::Reverse(g.count))
        });
        out
    }
}

/// The calendar date (`2025-03-07`) of Unix time `t` shifted by `offset` seconds (the
/// browser's time zone), for labels people read.
pub fn date(t: i64, offset: i64) -> String {
    // Howard Hinnant's days-to-civil, so that no date crate weighs on the bundle.
    let z = (t + offset).div_euclid(DAY) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The time at the end of day slot `i` of a chart of `days` days ending at `now` (oldest
/// first): what the slot's label dates it by.
pub fn slot_end(i: usize, days: usize, now: i64) -> i64 {
    now - (days.saturating_sub(1 + i)) as i64 * DAY
}
