//! Every API call the widget makes (sources, pipelines and leads), each owning its request and the decoder of its answer.

use super::decode::{
    decode_created_leads, decode_deleted, decode_lead, decode_leads_page, decode_page,
    decode_pipelines, decode_source, decode_sources,
};
use super::history::{decode_history, history_path, HistoryQuery};
use super::{
    find_path, lead_path, leads_page_path, leads_path, page_path, source_path, wire, ApiError,
    LeadsQuery, COMPLEX_LEADS_PATH, PIPELINES_PATH, SOURCES_PATH,
};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::lead::{ComplexLead, Lead};
use crate::model::{NewSource, Pipeline, Source, SourcePatch};
use relay_contract::HistoryPage;

/// An API call, in domain terms.
#[derive(Clone, Debug, PartialEq)]
pub enum Call {
    /// `GET /sources`: the first page of the list.
    ListSources,
    /// A later page of the list: the path and query of the `_links.next` the previous
    /// page gave (see [`page_path`]).
    ListPage(String),
    /// `GET /leads/pipelines`.
    ListPipelines,
    /// `GET /sources?filter[external_id]...`.
    Find(Vec<String>),
    /// `GET /sources/{id}`.
    GetOne(u64),
    /// Batch `POST /sources`.
    Create(Vec<NewSource>),
    /// `PATCH /sources/{id}`.
    UpdateOne(SourcePatch),
    /// Batch `PATCH /sources`.
    Update(Vec<SourcePatch>),
    /// `DELETE /sources/{id}`.
    DeleteOne(u64),
    /// Batch `DELETE /sources`.
    Delete(Vec<u64>),
    /// `GET /leads?with=source_id,source`: the first page of the leads the query asks for.
    Leads(LeadsQuery),
    /// A later page of the leads: the path and query of the previous page's `_links.next`.
    LeadsPage(String),
    /// `GET /leads/{id}?with=source_id,source`.
    GetLead(u64),
    /// `POST /leads/complex`.
    CreateLeads(Vec<ComplexLead>),
    /// A page of the relay's history of changes to sources (relay mode only).
    History(HistoryQuery),
}

/// What a successful call returned.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// Sources (find, create, batch update); empty for 204.
    Sources(Vec<Source>),
    /// A page of the list, and the path of the next one when the server links one.
    Page(Vec<Source>, Option<String>),
    /// One source (get, single update); `None` when the server answered 204 (gone).
    One(Option<Source>),
    /// Pipelines.
    Pipelines(Vec<Pipeline>),
    /// A delete went through.
    Deleted,
    /// A page of leads, and the path of the next one when the server links one.
    Leads(Vec<Lead>, Option<String>),
    /// One lead; `None` when the server answered 204.
    Lead(Option<Lead>),
    /// The ids of the leads created.
    LeadsCreated(Vec<u64>),
    /// A page of the relay's history.
    History(HistoryPage),
}

impl Call {
    /// What a batch with no items returns without being sent (the API refuses an empty
    /// body); `None` for every call that goes on the wire.
    pub fn empty_reply(&self) -> Option<Reply> {
        match self {
            Call::Create(v) if v.is_empty() => Some(Reply::Sources(Vec::new())),
            Call::Update(v) if v.is_empty() => Some(Reply::Sources(Vec::new())),
            Call::Find(v) if v.is_empty() => Some(Reply::Sources(Vec::new())),
            Call::Delete(v) if v.is_empty() => Some(Reply::Deleted),
            _ => None,
        }
    }

    /// The request as it goes on the wire: method, path with its encoded query, JSON body.
    pub fn request(&self) -> HttpRequest {
        let (method, path_and_query, body) = match self {
            Call::ListSources => (Method::Get, SOURCES_PATH.to_owned(), None),
            Call::ListPage(path) => (Method::Get, path.clone(), None),
            Call::ListPipelines => (Method::Get, PIPELINES_PATH.to_owned(), None),
            Call::Find(ids) => (Method::Get, find_path(ids), None),
            Call::GetOne(id) => (Method::Get, source_path(*id), None),
            Call::Create(items) => (
                Method::Post,
                SOURCES_PATH.to_owned(),
                Some(wire::new_sources_body(items)),
            ),
            Call::UpdateOne(p) => (Method::Patch, source_path(p.id), Some(wire::patch_body(p))),
            Call::Update(ps) => (
                Method::Patch,
                SOURCES_PATH.to_owned(),
                Some(wire::patches_body(ps)),
            ),
            Call::DeleteOne(id) => (Method::Delete, source_path(*id), None),
            Call::Delete(ids) => (
                Method::Delete,
                SOURCES_PATH.to_owned(),
                Some(wire::delete_body(ids)),
            ),
            Call::Leads(q) => (Method::Get, leads_path(q), None),
            Call::LeadsPage(path) => (Method::Get, path.clone(), None),
            Call::GetLead(id) => (Method::Get, lead_path(*id), None),
            Call::CreateLeads(leads) => (
                Method::Post,
                COMPLEX_LEADS_PATH.to_owned(),
                Some(wire::complex_leads_body(leads)),
            ),
            Call::History(q) => (Method::Get, history_path(q), None),
        };
        HttpRequest {
            method,
            path_and_query,
            body,
        }
    }

    /// Reads the answer the way this endpoint answers: HAL, 204, or an error.
    pub fn decode(&self, r: &HttpResponse) -> Result<Reply, ApiError> {
        Ok(match self {
            Call::ListPipelines => Reply::Pipelines(decode_pipelines(r)?),
            Call::GetOne(_) | Call::UpdateOne(_) => Reply::One(decode_source(r)?),
            Call::DeleteOne(_) | Call::Delete(_) => {
                decode_deleted(r)?;
                Reply::Deleted
            }
            Call::ListSources | Call::ListPage(_) => {
                let (sources, next) = decode_page(r)?;
                Reply::Page(sources, next.as_deref().and_then(page_path))
            }
            Call::Find(_) | Call::Create(_) | Call::Update(_) => Reply::Sources(decode_sources(r)?),
            Call::Leads(_) | Call::LeadsPage(_) => {
                let (leads, next) = decode_leads_page(r)?;
                Reply::Leads(leads, next.as_deref().and_then(leads_page_path))
            }
            Call::GetLead(_) => Reply::Lead(decode_lead(r)?),
            Call::CreateLeads(_) => Reply::LeadsCreated(decode_created_leads(r)?),
            Call::History(_) => Reply::History(decode_history(r)?),
        })
    }
}
