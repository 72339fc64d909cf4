//! The query of `GET /api/v4/leads`: paging, `with`, the created_at and pipeline filters and
//! the order, each value checked so that a bad one is refused with the parameter's name.

use super::model::Lead;
use super::switches::LeadSource;
use crate::request::{decode_pair, is_list_key, page_query, whole_number};

/// Leads in one page when the query sets no `limit`, as in Kommo's leads list.
pub const DEFAULT_LIMIT: usize = 50;

/// Which way a list is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// What a list is sorted by; ties are broken by id in the same direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OrderBy {
    /// `order[id]` (the default).
    #[default]
    Id,
    /// `order[created_at]`.
    CreatedAt,
}

/// A parsed leads query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeadsQuery {
    /// 1-based page number.
    pub page: usize,
    /// Leads per page.
    pub limit: usize,
    /// The lead sources `with` asks for.
    pub with: With,
    /// `filter[created_at][from]`: created at or after, in Unix seconds.
    pub created_from: Option<u64>,
    /// `filter[created_at][to]`: created at or before, in Unix seconds.
    pub created_to: Option<u64>,
    /// `filter[pipeline_id]` (one, `[]` repeated or `[N]` indexed): in one of these pipelines.
    pub pipelines: Option<Vec<u64>>,
    /// The sort key.
    pub order_by: OrderBy,
    /// The sort direction.
    pub direction: Direction,
    /// The pairs other than `page` and `limit`, as sent, for the links to other pages.
    pub rest: Vec<String>,
}

/// What the leads list takes, for the refusal of anything else.
const TAKES: &str = "page, limit, with, filter[created_at][from], filter[created_at][to], \
    filter[pipeline_id], order[created_at], order[id]";

impl LeadsQuery {
    /// Reads a list query; the error names the parameter that is wrong.
    pub fn parse(query: Option<&str>) -> Result<LeadsQuery, String> {
        let paging = page_query(query)?;
        let mut out = LeadsQuery {
            page: paging.page,
            limit: paging.limit.unwrap_or(DEFAULT_LIMIT),
            rest: paging.rest,
            ..LeadsQuery::default()
        };
        let mut order = None;
        for pair in &out.rest.clone() {
            let (key, value) = decode_pair(pair)?;
            let seconds = |slot: &mut Option<u64>| match (*slot, whole_number(&value)) {
                (Some(_), _) => Err(format!("{key} is given twice")),
                (None, Some(n)) => {
                    *slot = Some(n);
                    Ok(())
                }
                (None, None) => Err(format!(
                    "{key} must be a time in Unix seconds (digits only), not {value:?}"
                )),
            };
            match key.as_str() {
                "with" => out.with.read(&value),
                "filter[created_at][from]" => seconds(&mut out.created_from)?,
                "filter[created_at][to]" => seconds(&mut out.created_to)?,
                "order[created_at]" | "order[id]" => {
                    let by = if key == "order[id]" {
                        OrderBy::Id
                    } else {
                        OrderBy::CreatedAt
                    };
                    let direction = match value.as_str() {
                        "asc" => Direction::Asc,
                        "desc" => Direction::Desc,
                        _ => return Err(format!("{key} must be asc or desc, not {value:?}")),
                    };
                    if order.replace((by, direction)).is_some() {
                        return Err(
                            "the list takes one order: order[created_at] or order[id]".into()
                        );
                    }
                }
                _ if is_list_key(&key, "filter[pipeline_id]") => {
                    let id = whole_number(&value).filter(|n| *n > 0).ok_or_else(|| {
                        format!("{key} must be a pipeline id (a whole number), not {value:?}")
                    })?;
                    out.pipelines.get_or_insert_with(Vec::new).push(id);
                }
                _ => {
                    return Err(format!(
                        "unknown parameter {key}; the leads list takes {TAKES}"
                    ))
                }
            }
        }
        (out.order_by, out.direction) = order.unwrap_or_default();
        Ok(out)
    }

    /// Whether `lead` passes the filters.
    pub fn matches(&self, lead: &Lead) -> bool {
        self.created_from.is_none_or(|t| lead.created_at >= t)
            && self.created_to.is_none_or(|t| lead.created_at <= t)
            && self
                .pipelines
                .as_ref()
                .is_none_or(|ps| ps.contains(&lead.pipeline_id))
    }

    /// Sorts leads into the query's order.
    pub fn sort(&self, leads: &mut [&Lead]) {
        leads.sort_by_key(|l| match self.order_by {
            OrderBy::Id => (l.id, 0),
            OrderBy::CreatedAt => (l.created_at, l.id),
        });
        if self.direction == Direction::Desc {
            leads.reverse();
        }
    }
}

/// The lead's source as `with` asks for it: Kommo's leads reference documents `source_id`
/// (the source's id on the lead), its 2025 changelog `source` (an object). Other values, such
/// as `contacts`, are ignored here as Kommo ignores the ones it does not know.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct With {
    /// `with=source_id`.
    pub source_id: bool,
    /// `with=source`.
    pub source: bool,
}

impl With {
    /// Notes the names in one comma-separated `with` value.
    pub fn read(&mut self, value: &str) {
        for name in value.split(',').map(str::trim) {
            match name {
                "source_id" => self.source_id = true,
                "source" => self.source = true,
                _ => {}
            }
        }
    }

    /// What is asked for and also honoured by a Kommo that serves `shape`.
    pub fn honoured(self, shape: LeadSource) -> With {
        With {
            source_id: self.source_id && shape != LeadSource::Changelog,
            source: self.source && shape != LeadSource::Reference,
        }
    }
}

/// The query of `GET /api/v4/leads/{id}`: only `with`.
pub fn with_of(query: Option<&str>) -> Result<With, String> {
    let mut with = With::default();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        match decode_pair(pair)? {
            (key, value) if key == "with" => with.read(&value),
            (key, _) => return Err(format!("unknown parameter {key}; one lead takes with")),
        }
    }
    Ok(with)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_parameter() {
        let q = LeadsQuery::parse(Some(
            "page=2&limit=10&with=contacts,source&filter%5Bcreated_at%5D%5Bfrom%5D=5\
             &filter[created_at][to]=9&filter[pipeline_id]=1&filter[pipeline_id][]=2\
             &filter[pipeline_id][0]=3&order[created_at]=desc",
        ))
        .unwrap();
        assert_eq!(
            (q.page, q.limit, q.with.source, q.with.source_id),
            (2, 10, true, false)
        );
        assert_eq!((q.created_from, q.created_to), (Some(5), Some(9)));
        assert_eq!(q.pipelines, Some(vec![1, 2, 3]));
        assert_eq!(
            (q.order_by, q.direction),
            (OrderBy::CreatedAt, Direction::Desc)
        );
        assert_eq!(q.rest.len(), 7);
        let d = LeadsQuery::parse(None).unwrap();
        assert_eq!(
            (d.page, d.limit, d.with),
            (1, DEFAULT_LIMIT, With::default())
        );
        assert_eq!((d.order_by, d.direction), (OrderBy::Id, Direction::Asc));
        assert_eq!(
            LeadsQuery::parse(Some("with=contacts")).unwrap().with,
            With::default()
        );
    }

    #[test]
    fn each_shape_honours_only_what_it_documents() {
        let both = With {
            source_id: true,
            source: true,
        };
        assert_eq!(
            both.honoured(LeadSource::Reference),
            With {
                source_id: true,
                source: false
            }
        );
        assert_eq!(
            both.honoured(LeadSource::Changelog),
            With {
                source_id: false,
                source: true
            }
        );
        assert_eq!(both.honoured(LeadSource::Both), both);
    }

    #[test]
    fn refuses_bad_values_naming_the_parameter() {
        for (bad, name) in [
            ("limit=0", "limit"),
            ("limit=251", "limit"),
            ("page=0", "page"),
            ("filter[created_at][from]=-1", "filter[created_at][from]"),
            ("filter[created_at][to]=x", "filter[created_at][to]"),
            (
                "filter[created_at][to]=1&filter[created_at][to]=2",
                "filter[created_at][to]",
            ),
            ("filter[pipeline_id][]=abc", "filter[pipeline_id][]"),
            ("order[id]=up", "order[id]"),
            ("order[id]=asc&order[created_at]=desc", "order[created_at]"),
            ("filter[id]=3", "filter[id]"),
        ] {
            let e = LeadsQuery::parse(Some(bad)).unwrap_err();
            assert!(e.contains(name), "{bad}: {e}");
        }
        assert!(with_of(Some("with=source")).unwrap().source);
        let both = with_of(Some("with=source_id%2Csource")).unwrap();
        assert!(both.source && both.source_id);
        assert!(with_of(Some("page=1")).is_err());
    }
}
