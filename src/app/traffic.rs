//! What the widget knows of lead traffic (the leads read, the read in progress) and of the
//! lead snippet dialog's test lead.

use super::Call;
use crate::api::LeadsQuery;
use crate::i18n::T;
use crate::lead::Lead;
use crate::model::Source;
use crate::traffic::{report, Period, Report};

/// Most pages of 250 leads one read follows (10,000 leads); past that the report says it
/// covers only the newest ones, rather than keep an account's rate limit busy.
pub const MAX_PAGES: u32 = 40;

/// What a read of the leads covers: the advanced page reads every lead of the longer period,
/// the Digital Pipeline panel only its pipeline's leads of the shorter one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// How far back.
    pub period: Period,
    /// One pipeline's leads, or every lead when `None`.
    pub pipeline: Option<u64>,
}

impl Span {
    /// What the advanced page reads: 30 days, every pipeline.
    pub const ALL: Span = Span {
        period: Period::Month,
        pipeline: None,
    };

    /// What the Digital Pipeline panel of `pipeline` reads: its last 7 days.
    pub fn panel(pipeline: u64) -> Span {
        Span {
            period: Period::Week,
            pipeline: Some(pipeline),
        }
    }

    /// Whether a read of this span has every lead a read of `need` would have.
    pub fn covers(self, need: Span) -> bool {
        self.period.days() >= need.period.days()
            && (self.pipeline.is_none() || self.pipeline == need.pipeline)
    }

    /// The query of its first page, for a read made at `now`.
    pub fn query(self, now: i64) -> LeadsQuery {
        LeadsQuery {
            from: self.period.start(now),
            pipeline: self.pipeline,
        }
    }
}

/// Where the read of the leads stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrafficLoad {
    /// Not started.
    Idle,
    /// Pages are being read.
    Loading,
    /// The last read is complete.
    Ready,
    /// The admin stopped the read before anything was read.
    Cancelled,
    /// A page could not be read; the read can go on from it.
    Failed {
        /// Why.
        msg: T,
        /// The server's words, when they help.
        detail: Option<String>,
    },
}

/// The leads of the last 30 days as read, and the read in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Traffic {
    /// The period shown.
    pub period: Period,
    /// Where the read stands.
    pub load: TrafficLoad,
    /// The leads of the last complete read, each once.
    pub leads: Vec<Lead>,
    /// What the last complete read covers.
    pub span: Span,
    /// What the read in progress covers.
    pub reading_span: Span,
    /// When that read started (Unix seconds); `None` before the first one completes.
    pub read_at: Option<i64>,
    /// That read stopped at [`MAX_PAGES`]: it has only the newest leads.
    pub truncated: bool,
    /// Leads of the read in progress.
    pub reading: Vec<Lead>,
    /// Pages of it read.
    pub pages: u32,
    /// When it started.
    pub started_at: i64,
    /// Number of the current read; answers of an older (cancelled) one are dropped.
    pub gen: u32,
    /// The page to ask again after a failure.
    pub resume: Option<Call>,
    /// The source whose latest leads are listed.
    pub open: Option<u64>,
    /// The report of the last complete read over the period shown, for the saved sources.
    pub report: Option<Report>,
    /// What `report` was computed from: the read's time, the period and the saved sources;
    /// `None` whenever `leads` change, so that the next update computes it again.
    pub basis: Option<(i64, Period, Vec<Source>)>,
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic {
            period: Period::Week,
            load: TrafficLoad::Idle,
            leads: Vec::new(),
            span: Span::ALL,
            reading_span: Span::ALL,
            read_at: None,
            truncated: false,
            reading: Vec::new(),
            pages: 0,
            started_at: 0,
            gen: 0,
            resume: None,
            open: None,
            report: None,
            basis: None,
        }
    }
}

impl Traffic {
    /// Brings `report` up to date with `sources`, the saved ones in list order. It is computed
    /// again only when the read, the period or those sources changed: a render or a keystroke
    /// costs one comparison, not a pass over every lead.
    pub fn settle<'a>(&mut self, sources: impl Iterator<Item = &'a Source> + Clone) {
        let Some(at) = self.read_at else {
            self.report = None;
            self.basis = None;
            return;
        };
        if let Some((b_at, b_period, b_sources)) = &self.basis {
            if *b_at == at && *b_period == self.period && sources.clone().eq(b_sources.iter()) {
                return;
            }
        }
        let sources: Vec<Source> = sources.cloned().collect();
        self.report = Some(report(&sources, &self.leads, at, self.period));
        self.basis = Some((at, self.period, sources));
    }

    /// Whether a read is going on.
    pub fn loading(&self) -> bool {
        self.load == TrafficLoad::Loading
    }

    /// What outlives an unmount, so that a mount again shows the last complete read without
    /// reading again: that read, the period and the source shown, as a finished read; `None`
    /// before the first read completes.
    pub fn kept(&self) -> Option<Traffic> {
        self.read_at?;
        Some(Traffic {
            period: self.period,
            load: TrafficLoad::Ready,
            leads: self.leads.clone(),
            span: self.span,
            read_at: self.read_at,
            truncated: self.truncated,
            open: self.open,
            ..Traffic::default()
        })
    }
}

/// One of the two texts the snippet dialog offers to copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Snip {
    /// The `_embedded.source` object.
    Source,
    /// A whole `POST /api/v4/leads/complex` body around it.
    Body,
}

impl Snip {
    /// The id of the text area that shows it.
    pub fn area_id(self) -> &'static str {
        match self {
            Snip::Source => "ksm-snip-source",
            Snip::Body => "ksm-snip-body",
        }
    }
}

/// Where the snippet dialog's test lead stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestLead {
    /// Not sent.
    Idle,
    /// The create is in flight.
    Sending,
    /// Created with this id; reading it back to see where it landed.
    Checking(u64),
    /// Created, and read back as it is now.
    Landed(Lead),
    /// The create or the read failed.
    Failed {
        /// Why.
        msg: T,
        /// The server's words, when they help.
        detail: Option<String>,
    },
}
